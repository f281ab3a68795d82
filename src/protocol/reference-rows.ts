import type { Settings } from '../core/config.js';
import type { RowCodec } from '../observe/monitoring/model-monitoring.js';
import { RequestBuilder } from '../pipeline/request-builder.js';
import { layoutFor, rowLayout } from './row-layout.js';
import { decodeRows } from './rows-decode.js';

/**
 * Rows ↔ tensors for monitoring: profiling a reference CSV through the model (at load, and
 * `berth profile`). The reference is Berth's own input, predicted in chunks of maxRows: no
 * per-request value cap, and its values reach the model as they are (a blank cell is NaN).
 */
export function referenceRows(limits: Settings['limits']): RowCodec {
  const unlimited = { ...limits, maxValues: Number.MAX_SAFE_INTEGER };
  return {
    layout: (metadata, config) => rowLayout(metadata, config),
    encode(rows, metadata, config) {
      const request = new RequestBuilder(metadata, unlimited, { trusted: true });
      decodeRows(rows, (index) => `reference row ${index + 1}`, request, layoutFor(metadata, config));
      return request.finish();
    },
  };
}
