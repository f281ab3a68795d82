import { BerthError } from '../core/errors.js';
import type { DataPlane } from '../protocol/dataplane.js';
import type { Metrics } from './metrics.js';

/** Feeds the data plane's inference events into the Prometheus metrics. */
export function observeInferences(dataplane: DataPlane, metrics: Metrics): void {
  dataplane.observe((event) => {
    const labels = { model: event.model, version: event.version };
    metrics.inferenceDuration.observe(labels, event.seconds);
    if (event.error === undefined) metrics.inferenceRows.inc(labels, event.rows);
    else metrics.inferenceErrors.inc({ ...labels, code: event.error instanceof BerthError ? event.error.code : 'BERTH_INTERNAL' });
  });
  dataplane.observeShadows((event) => {
    metrics.shadowComparisons.inc({ model: event.model, version: event.version, shadow_version: event.shadowVersion, agreed: event.error ? 'error' : String(event.agreed) });
  });
}
