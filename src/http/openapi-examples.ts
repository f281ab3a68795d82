import type { ModelConfig } from '../core/config.js';
import type { ModelMetadata } from '../core/inference.js';
import type { TensorSpec } from '../core/tensor.js';
import type { FeatureProfile, ReferenceProfile } from '../observe/drift/profile.js';
import { rowLayout } from '../protocol/row-layout.js';

/**
 * Request and response examples for /openapi.json, so that "Try it out" in Swagger UI sends a
 * body the model accepts. The row comes from the model's reference profile when it has one (each
 * feature's median, or its most frequent category): a typical input, not zeros. Without a
 * profile, the values only follow the signature (a 1, "a" or true per column). Examples that
 * cannot be valid (a tensor too large to print) are left out rather than shown wrong.
 */
export type Value = number | string | boolean;

/** A typical reference row and prediction, by feature name. */
export interface TypicalRow {
  values: Record<string, Value>;
  prediction?: Value;
}

/** Tensors with more values than this get no example (an image's would be megabytes of JSON). */
const maxExampleValues = 1024;

export function typicalRow(profile: ReferenceProfile): TypicalRow {
  const values: Record<string, Value> = {};
  for (const feature of profile.features) {
    const value = typicalValue(feature);
    if (value !== undefined) values[feature.name] = value;
  }
  const prediction = profile.prediction ? typicalValue(profile.prediction) : undefined;
  return prediction === undefined ? { values } : { values, prediction };
}

function typicalValue(feature: FeatureProfile): Value | undefined {
  if (feature.kind === 'numeric') {
    const { levels, values } = feature.quantiles;
    const median = values[levels.indexOf(0.5)] ?? feature.mean;
    return typeof median === 'number' && Number.isFinite(median) ? Number(median.toPrecision(6)) : undefined;
  }
  const top = feature.categories[0]?.value;
  if (top === undefined) return undefined;
  return feature.valueType === 'number' ? Number(top) : top;
}

/** A value of `spec`'s datatype: `typical` converted when it fits, else the signature's stand-in. */
function valueFor(spec: TensorSpec, typical: Value | undefined): Value {
  const { datatype } = spec;
  if (datatype === 'BYTES') return typical === undefined ? 'a' : String(typical);
  if (datatype === 'BOOL')
    return typeof typical === 'boolean' ? typical : typical === undefined ? true : Boolean(Number(typical));
  const number = typeof typical === 'number' ? typical : Number(typical);
  if (typical === undefined || !Number.isFinite(number)) return 1;
  return datatype.startsWith('FP') ? number : Math.round(number);
}

export interface ModelExamples {
  /** /predict and /models/{name}/predict: named features, else {"features": [...]}. */
  predict?: Record<string, unknown>;
  /** OIP v2 infer: real shapes and data. */
  infer?: Record<string, unknown>;
  /** KServe v1 :predict. */
  v1?: Record<string, unknown>;
  /** Feedback by inputs, when the profile knows a typical prediction to report as the truth. */
  feedback?: Record<string, unknown>;
  /** Answers: the OIP v2 response's shape, and /predict's one-row answer. */
  inferResponse?: Record<string, unknown>;
  predictResponse?: Record<string, unknown>;
}

export function modelExamples(metadata: ModelMetadata, config: ModelConfig, typical?: TypicalRow): ModelExamples {
  const layout = rowLayout(metadata, config);
  const examples: ModelExamples = {
    inferResponse: inferResponse(metadata, config, typical),
    predictResponse: predictResponse(metadata, config, typical),
  };
  if (typeof layout === 'string' || layout.width <= 0) {
    const inputs = metadata.inputs.map((spec) => tensorExample(spec));
    if (inputs.every((input) => input !== undefined)) examples.infer = { inputs };
    return examples;
  }
  const row = Array.from({ length: layout.width }, (_, column) => {
    const spec = layout.kind === 'tabular' ? layout.inputs[0]! : layout.inputs[column]!;
    return valueFor(
      spec,
      layout.features[column] === undefined ? undefined : typical?.values[layout.features[column]!],
    );
  });
  examples.predict =
    layout.features.length === layout.width
      ? Object.fromEntries(layout.features.map((feature, column) => [feature, row[column]]))
      : { features: row };
  examples.v1 = { instances: [row] };
  examples.infer = {
    inputs:
      layout.kind === 'tabular'
        ? [{ name: layout.inputs[0]!.name, shape: [1, layout.width], datatype: layout.inputs[0]!.datatype, data: row }]
        : layout.inputs.map((spec, column) => ({
            name: spec.name,
            shape: spec.shape.length === 2 ? [1, 1] : [1],
            datatype: spec.datatype,
            data: [row[column]],
          })),
  };
  if (typical?.prediction !== undefined) examples.feedback = { instances: [row], values: [typical.prediction] };
  return examples;
}

/** One batch row of `spec` (-1 dimensions as 1), filled with the signature's stand-in values. */
function tensorExample(spec: TensorSpec): Record<string, unknown> | undefined {
  const shape = spec.shape.map((dimension) => (dimension < 0 ? 1 : dimension));
  const count = shape.reduce((product, dimension) => product * dimension, 1);
  if (count > maxExampleValues) return undefined;
  return {
    name: spec.name,
    shape,
    datatype: spec.datatype,
    data: Array.from({ length: count }, () => valueFor(spec, undefined)),
  };
}

/** The class an example answer names: the reference's most frequent prediction, else the first class. */
function exampleClass(
  metadata: ModelMetadata,
  config: ModelConfig,
  typical?: TypicalRow,
): { index: number; names: string[] } | undefined {
  const classes = metadata.classifier?.classes;
  if (!classes || classes.length === 0) return undefined;
  const names = config.labels && config.labels.length === classes.length ? config.labels : classes.map(String);
  return {
    index: Math.max(0, typical?.prediction === undefined ? 0 : names.indexOf(String(typical.prediction))),
    names,
  };
}

function inferResponse(metadata: ModelMetadata, config: ModelConfig, typical?: TypicalRow): Record<string, unknown> {
  const chosen = exampleClass(metadata, config, typical);
  const outputs = metadata.outputs.flatMap((spec) => {
    const tensor = tensorExample(spec);
    if (!tensor || !chosen) return tensor ? [tensor] : [];
    // A classifier's answer: its class, and all the probability on that class.
    if (spec.name === metadata.classifier!.labelOutput) tensor.data = [metadata.classifier!.classes[chosen.index]];
    if (spec.name === metadata.classifier!.probabilityOutput)
      tensor.data = chosen.names.map((_, column) => (column === chosen.index ? 1 : 0));
    return [tensor];
  });
  return { model_name: metadata.name, model_version: metadata.version, outputs };
}

function predictResponse(metadata: ModelMetadata, config: ModelConfig, typical?: TypicalRow): Record<string, unknown> {
  const meta = { model_name: metadata.name, model_version: metadata.version };
  const chosen = exampleClass(metadata, config, typical);
  if (!chosen) return { prediction: typeof typical?.prediction === 'number' ? typical.prediction : 1, ...meta };
  const probabilities = Object.fromEntries(chosen.names.map((name, column) => [name, column === chosen.index ? 1 : 0]));
  return {
    prediction: metadata.classifier!.classes[chosen.index],
    label: chosen.names[chosen.index],
    probabilities,
    ...meta,
  };
}
