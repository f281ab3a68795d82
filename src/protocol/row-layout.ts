import type { ModelConfig } from '../core/config.js';
import { errors } from '../core/errors.js';
import type { ModelMetadata } from '../core/inference.js';
import type { TensorSpec } from '../core/tensor.js';

/**
 * How a model takes rows of features, for the row-oriented dialects (the seed's /predict and
 * KServe v1). Two model shapes take rows:
 *  - tabular: one input [N, F] (skl2onnx float_input, torch MLPs): a row is F values;
 *  - columns: one input per feature, each [N, 1] or [N] (skl2onnx ColumnTransformer exports).
 * The decoder (rows-decode.ts) and the published schemas (body-schemas.ts) both read it.
 */
export interface RowLayout {
  kind: 'tabular' | 'columns';
  /** Feature names in column order; empty when unknown (positional rows only). */
  features: string[];
  width: number;
  inputs: TensorSpec[];
}

export function rowLayout(model: ModelMetadata, config: ModelConfig): RowLayout | string {
  const [first] = model.inputs;
  if (model.inputs.length === 1 && first!.shape.length === 2) {
    const declared = first!.shape[1]!;
    const features = config.features ?? [];
    if (declared > 0 && features.length > 0 && features.length !== declared)
      return `berth.yaml names ${features.length} features but input \`${first!.name}\` has ${declared} columns`;
    return { kind: 'tabular', features, width: declared > 0 ? declared : features.length, inputs: model.inputs };
  }
  if (model.inputs.every((input) => (input.shape.length === 2 && input.shape[1] === 1) || input.shape.length === 1)) {
    return {
      kind: 'columns',
      features: model.inputs.map((input) => input.name),
      width: model.inputs.length,
      inputs: model.inputs,
    };
  }
  return 'its inputs are not rows of features (one [N, F] input, or one [N, 1] input per feature)';
}

/**
 * `compute(model, config)` remembered per loaded model version and config, for what the request
 * path would otherwise derive again on every request. Both keys are held weakly: an unloaded
 * version or a replaced config takes its entries with it.
 */
export function perModelAndConfig<T>(
  compute: (model: ModelMetadata, config: ModelConfig) => T,
): (model: ModelMetadata, config: ModelConfig) => T {
  const cache = new WeakMap<ModelMetadata, WeakMap<ModelConfig, T>>();
  return (model, config) => {
    let byConfig = cache.get(model);
    if (!byConfig) cache.set(model, (byConfig = new WeakMap()));
    if (!byConfig.has(config)) byConfig.set(config, compute(model, config));
    return byConfig.get(config)!;
  };
}

const layoutOrReason = perModelAndConfig(rowLayout);

/** The model's row layout, computed once per loaded version and config (this runs per request). */
export function layoutFor(model: ModelMetadata, config: ModelConfig): RowLayout {
  const layout = layoutOrReason(model, config);
  if (typeof layout === 'string') throw errors.dialectUnsupported(model.name, layout);
  return layout;
}
