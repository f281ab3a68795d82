import type { ModelConfig } from '../core/config.js';
import { resolveConfig } from '../core/config.js';
import type { LoadedVersion, ModelMetadata } from '../core/inference.js';
import { createLogger } from '../observe/logger.js';
import { createMetrics } from '../observe/metrics.js';
import { modelReference, type Reference } from '../observe/monitoring/reference.js';
import { referenceRows } from '../protocol/reference-rows.js';
import { layoutFor } from '../protocol/row-layout.js';
import { responseToRows, type RowPrediction } from '../protocol/rows-answer.js';
import { instancesCodec } from '../protocol/seed-codec.js';
import { createOnnxRuntime } from '../runtime/onnx.js';
import { internalContext } from '../serving/request-context.js';
import { createServingCore } from '../serving/serving-core.js';

/**
 * The converted model as `berth serve` holds it: the same serving core (runtime factory, batched
 * and observed versions, model set, data plane), configured from the berth.yaml written beside it.
 * Rows go in through the seed dialect's row decoder (named features when berth.yaml names them)
 * and answers come out as /predict shows them, so parity covers the feature mapping and label
 * names, not only the ONNX graph. No sockets.
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

/** Rows in, rows out, as /predict answers them. */
const predictRows = instancesCodec((response, model) => responseToRows(model.metadata, model.config, response));

export async function loadServedModel(path: string, file: Record<string, unknown>): Promise<ServedModel> {
  const { settings, model } = resolveConfig({ file });
  const name = model.name ?? 'model';
  const config: ModelConfig = { ...model, name, version: '1' };
  // Told of the version as drift monitoring is: its signature, and a way to run Berth's own rows uncounted.
  let loaded: LoadedVersion | undefined;
  const listener = {
    versionLoaded: async (version: LoadedVersion) => void (loaded = version),
    versionUnloaded: () => undefined,
  };
  const { dataplane, manager } = createServingCore({
    settings,
    runtimes: (source) => createOnnxRuntime(source, settings.onnx),
    metrics: createMetrics({ processMetrics: false }),
    logger: createLogger('silent'),
    listener,
  });
  await manager.loadFile(path, config);
  const { metadata, infer, config: served } = loaded!;
  const classes = metadata.classifier?.classes ?? [];
  const classNames = config.labels && config.labels.length === classes.length ? config.labels : classes.map(String);
  const chunk = settings.limits.maxRows;
  const codec = referenceRows(settings.limits);
  return {
    metadata,
    config: served,
    classNames,
    async predict(rows, featureNames) {
      const layout = layoutFor(metadata, served);
      const named = layout.features.length > 0 && layout.features.every((feature) => featureNames.includes(feature));
      const index = new Map(featureNames.map((feature, column) => [feature, column]));
      const toInstance = (row: Array<number | string | null>) => {
        const values = row.map((value) => (value === null ? Number.NaN : value));
        return named
          ? Object.fromEntries(layout.features.map((feature) => [feature, values[index.get(feature)!]]))
          : values;
      };
      const out: RowPrediction[] = [];
      for (let start = 0; start < rows.length; start += chunk) {
        out.push(
          ...(await dataplane.infer(
            name,
            undefined,
            predictRows,
            rows.slice(start, start + chunk).map(toInstance),
            internalContext(`parity-${start}`),
          )),
        );
      }
      return out;
    },
    reference: (csv) =>
      modelReference(
        csv,
        {
          metadata,
          config: served,
          layout: codec.layout(metadata, served),
          encode: (rows) => codec.encode(rows, metadata, served),
          infer,
          maxRows: chunk,
        },
        settings.monitoring.drift,
      ),
    close: () => dataplane.models.unloadAll(),
  };
}
