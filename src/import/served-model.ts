import type { ModelConfig } from '../core/config.js';
import { resolveConfig } from '../core/config.js';
import { createMetrics } from '../observe/metrics.js';
import { modelReference, type Reference } from '../observe/monitoring/reference.js';
import { wrapRuntime } from '../pipeline/wrap-runtime.js';
import { DataPlane } from '../protocol/dataplane.js';
import { ModelSet } from '../protocol/model-set.js';
import { responseToRows, rowLayout, rowsToRequest, type RowPrediction } from '../protocol/rows-codec.js';
import { decodeSeedRequest, layoutFor } from '../protocol/seed-dialect.js';
import { createOnnxRuntime } from '../runtime/onnx.js';
import type { ModelMetadata } from '../runtime/runtime.js';

/**
 * The converted model as `berth serve` holds it: the same runtime, batcher, model set and data
 * plane, configured from the berth.yaml written beside it. Rows go in through the seed dialect's
 * decoder (named features when berth.yaml names them) and answers come out through its encoder,
 * so parity covers the feature mapping and label names, not only the ONNX graph. No sockets.
 */
export interface ServedModel {
  metadata: ModelMetadata;
  config: ModelConfig;
  /** Class names as /predict shows them, in the model's class order (classifiers). */
  classNames: string[];
  predict(rows: Array<Array<number | string | null>>, featureNames: string[]): Promise<RowPrediction[]>;
  /** The drift reference profile of a CSV, with the model's own predictions on it (as serving computes it). */
  reference(csv: string): Promise<Reference>;
  close(): Promise<void>;
}

export async function loadServedModel(path: string, file: Record<string, unknown>): Promise<ServedModel> {
  const { settings, model } = resolveConfig({ file });
  const name = model.name ?? 'model';
  const config: ModelConfig = { ...model, name };
  const models = new ModelSet();
  const dataplane = new DataPlane(models, settings);
  const runtime = wrapRuntime(createOnnxRuntime({ path, name, version: '1' }, settings.onnx), name, config, settings, createMetrics({ processMetrics: false }));
  await models.load(name, '1', runtime, config);
  const metadata = runtime.metadata();
  const classes = metadata.classifier?.classes ?? [];
  const classNames = config.labels && config.labels.length === classes.length ? config.labels : classes.map(String);
  const chunk = settings.limits.maxRows;
  return {
    metadata,
    config,
    classNames,
    async predict(rows, featureNames) {
      const layout = layoutFor(metadata, config);
      const named = layout.features.length > 0 && layout.features.every((feature) => featureNames.includes(feature));
      const index = new Map(featureNames.map((feature, column) => [feature, column]));
      const toInstance = (row: Array<number | string | null>) => {
        const values = row.map((value) => (value === null ? Number.NaN : value));
        return named ? Object.fromEntries(layout.features.map((feature) => [feature, values[index.get(feature)!]])) : values;
      };
      const out: RowPrediction[] = [];
      for (let start = 0; start < rows.length; start += chunk) {
        const { request } = decodeSeedRequest({ instances: rows.slice(start, start + chunk).map(toInstance) }, metadata, config, settings.limits);
        const { response } = await dataplane.infer(name, undefined, request);
        out.push(...responseToRows(metadata, config, response));
      }
      return out;
    },
    reference: (csv) =>
      modelReference(csv, {
        metadata,
        config,
        layout: rowLayout(metadata, config),
        encode: (rows) => rowsToRequest(rows, (i) => `reference row ${i + 1}`, layoutFor(metadata, config), name, { ...settings.limits, maxValues: Number.MAX_SAFE_INTEGER }),
        infer: (request) => runtime.infer(request),
        maxRows: chunk,
      }, settings.monitoring.drift),
    close: () => models.unloadAll(),
  };
}
