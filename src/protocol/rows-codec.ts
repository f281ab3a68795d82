import { BerthError, errors } from '../core/errors.js';
import type { ModelConfig, Settings } from '../core/config.js';
import { toJsonValues, toRows, type Tensor, type TensorSpec } from '../core/tensor.js';
import { toTypedData } from '../pipeline/values.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../runtime/runtime.js';

/**
 * Rows of features ↔ tensors, for the row-oriented dialects (the seed's /predict and KServe v1).
 * Two model shapes take rows:
 *  - tabular: one input [N, F] (skl2onnx float_input, torch MLPs): a row is F values;
 *  - columns: one input per feature, each [N, 1] or [N] (skl2onnx ColumnTransformer exports).
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
    if (declared > 0 && features.length > 0 && features.length !== declared) return `berth.yaml names ${features.length} features but input \`${first!.name}\` has ${declared} columns`;
    return { kind: 'tabular', features, width: declared > 0 ? declared : features.length, inputs: model.inputs };
  }
  if (model.inputs.every((input) => (input.shape.length === 2 && input.shape[1] === 1) || input.shape.length === 1)) {
    return { kind: 'columns', features: model.inputs.map((input) => input.name), width: model.inputs.length, inputs: model.inputs };
  }
  return 'its inputs are not rows of features (one [N, F] input, or one [N, 1] input per feature)';
}

type Row = { values: unknown[]; index: number };

/**
 * Turns rows (arrays in feature order, or objects keyed by feature name) into tensors. `whereOf`
 * names a row in messages, only when one is needed: the rows of a refused request cost nothing more.
 */
export function rowsToRequest(rows: unknown[], whereOf: (index: number) => string, layout: RowLayout, modelName: string, limits: Settings['limits']): InferenceRequest {
  if (rows.length > limits.maxRows) throw errors.tooManyRows(rows.length, limits.maxRows);
  if (layout.width * rows.length > limits.maxValues) throw errors.tooManyValues(layout.width * rows.length, limits.maxValues);
  const parsed: Row[] = rows.map((row, index) => ({ values: rowValues(row, index, whereOf, layout, modelName), index }));
  const width = layout.width > 0 ? layout.width : parsed[0]!.values.length;
  if (width * parsed.length > limits.maxValues) throw errors.tooManyValues(width * parsed.length, limits.maxValues);
  for (const row of parsed) if (row.values.length !== width) throw errors.wrongRowLength(whereOf(row.index), width, row.values.length);

  if (layout.kind === 'tabular') {
    const input = layout.inputs[0]!;
    const flat = parsed.flatMap((row) => row.values);
    return { inputs: [{ name: input.name, datatype: input.datatype, shape: [parsed.length, width], data: convert(flat, input, (index) => describeCell(parsed, layout, index, width, whereOf)) }] };
  }
  return {
    inputs: layout.inputs.map((input, column) => {
      const values = parsed.map((row) => row.values[column]);
      const shape = input.shape.length === 1 ? [parsed.length] : [parsed.length, 1];
      return { name: input.name, datatype: input.datatype, shape, data: convert(values, input, (index) => `feature \`${input.name}\` in ${whereOf(parsed[index]!.index)}`) };
    }),
  };
}

function rowValues(row: unknown, index: number, whereOf: (index: number) => string, layout: RowLayout, modelName: string): unknown[] {
  if (Array.isArray(row)) return row;
  if (row === null || typeof row !== 'object') throw errors.badField(whereOf(index), 'an array of values or an object of named features');
  if (layout.features.length === 0) throw errors.noFeatureNames(modelName);
  const named = row as Record<string, unknown>;
  const { features } = layout;
  const keys = Object.keys(named);
  // As many keys as features, every feature present: then no key is unknown. O(F), where
  // checking each key against the list is O(F²) (2,500 comparisons a row at 50 features).
  if (keys.length === features.length) {
    const values = new Array<unknown>(features.length);
    let column = 0;
    for (; column < features.length && Object.hasOwn(named, features[column]!); column++) values[column] = named[features[column]!];
    if (column === features.length) return values;
  }
  // Something is wrong: name an unknown key first (a typo), else the missing feature.
  for (const key of keys) if (!features.includes(key)) throw errors.unknownFeature(key, features);
  const missing = features.find((feature) => !Object.hasOwn(named, feature))!;
  throw errors.missingFeature(missing);
}

function describeCell(rows: Row[], layout: RowLayout, index: number, width: number, whereOf: (index: number) => string): string {
  const where = whereOf(rows[Math.floor(index / width)]!.index);
  const column = index % width;
  const feature = layout.features[column];
  return feature ? `feature \`${feature}\` in ${where}` : `value ${column} in ${where}`;
}

/** Converts values, rewording a bad value's error to name the feature and row. */
function convert(values: unknown[], input: TensorSpec, describe: (index: number) => string) {
  try {
    return toTypedData(values, input.datatype, input.name);
  } catch (error) {
    if (!(error instanceof BerthError) || error.code !== errors.badValue.code) throw error;
    const index = Number(/^value (\d+)/.exec(error.message)?.[1] ?? 0);
    const detail = error.message.replace(/^value \d+ of `[^`]*` /, '');
    throw new BerthError(error.code, error.status, `${describe(index)} ${detail}`);
  }
}

/** One row's answer: class and probabilities for classifiers, the value(s) otherwise. */
export interface RowPrediction {
  prediction: unknown;
  label?: string;
  probabilities?: Record<string, number>;
}

export function responseToRows(model: ModelMetadata, config: ModelConfig, response: InferenceResponse): RowPrediction[] {
  const classifier = model.classifier;
  const labelTensor = classifier && response.outputs.find((tensor) => tensor.name === classifier.labelOutput);
  const probabilityTensor = classifier && response.outputs.find((tensor) => tensor.name === classifier.probabilityOutput);
  if (labelTensor && probabilityTensor) {
    const { names, indexOfLabel } = classNames(model, config);
    const probabilities = toJsonValues(probabilityTensor);
    const width = probabilityTensor.shape[1] ?? 1;
    const columns = Math.min(width, names.length);
    return toRows(labelTensor).map((cell, row) => {
      const label = unwrapSingle(cell);
      const index = indexOfLabel.get(String(label));
      const name = index !== undefined ? names[index] : typeof label === 'string' ? label : undefined;
      const byClass: Record<string, number> = {};
      for (let column = 0; column < columns; column++) byClass[names[column]!] = shortestFloat32(probabilities[row * width + column] as number);
      return name !== undefined ? { prediction: label, label: name, probabilities: byClass } : { prediction: label, probabilities: byClass };
    });
  }
  return toRows(response.outputs[0] as Tensor).map((value) => ({ prediction: unwrapSingle(value) }));
}

interface ClassNames {
  /** berth.yaml labels by class position, else the model's own labels. */
  names: string[];
  /** Class position of each of the model's labels, as text (INT64 labels arrive as numbers). */
  indexOfLabel: Map<string, number>;
}

/** Computed once per loaded model and config: this runs for every answered row. */
const classNames = perModelAndConfig((model, config): ClassNames => {
  const classes = model.classifier!.classes;
  const labels = config.labels;
  const names = labels && labels.length === classes.length ? labels : classes.map(String);
  return { names, indexOfLabel: new Map(classes.map((label, index) => [String(label), index])) };
});

/**
 * `compute(model, config)` remembered per loaded model version and config, for what the request
 * path would otherwise derive again on every request. Both keys are held weakly: an unloaded
 * version or a replaced config takes its entries with it.
 */
export function perModelAndConfig<T>(compute: (model: ModelMetadata, config: ModelConfig) => T): (model: ModelMetadata, config: ModelConfig) => T {
  const cache = new WeakMap<ModelMetadata, WeakMap<ModelConfig, T>>();
  return (model, config) => {
    let byConfig = cache.get(model);
    if (!byConfig) cache.set(model, (byConfig = new WeakMap()));
    if (!byConfig.has(config)) byConfig.set(config, compute(model, config));
    return byConfig.get(config)!;
  };
}

/**
 * The shortest decimal that reads back as the same float32: people read this dialect, and
 * 0.95 is kinder than 0.9500001668930054 (which is the same float32).
 */
export function shortestFloat32(value: number): number {
  // Integers (a forest's 0 and 1) are already shortest; the search below costs up to 4 toPrecision calls.
  if (Number.isInteger(value) || !Number.isFinite(value) || Math.fround(value) !== value) return value;
  for (let digits = 6; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}

function unwrapSingle(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}
