import type { ModelConfig } from '../core/config.js';
import { datatypeInfo, datatypes, type Datatype, type TensorSpec } from '../core/tensor.js';
import type { ModelMetadata } from '../core/inference.js';
import { rowLayout } from './row-layout.js';

/**
 * JSON Schemas of request bodies as /openapi.json publishes them, generated from the same
 * description the codecs decode against: each model's signature and its row layout
 * (row-layout.ts). test/protocol/body-schemas.test.ts holds the codecs to them: a body the
 * schema refuses, the codec refuses too.
 */
export type JsonSchema = Record<string, unknown>;

/**
 * The largest values that round to a finite FP32 or FP16 (FLT_MAX plus just under half an ulp;
 * 65504 plus just under half of FP16's ulp there): past them a value overflows to Infinity and
 * is refused.
 */
const floatRange: Record<string, number> = { FP32: 3.4028235677973362e38, FP16: 65519 };

/** A JSON number that is an exact integer (64-bit values beyond it travel as decimal strings). */
const safeInteger = { type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };

/** One value of a datatype as the JSON codecs take it (json-values.ts), null only where the model takes missing values. */
export function valueSchema(datatype: Datatype, allowMissing = false): JsonSchema {
  const info = datatypeInfo(datatype);
  switch (info.json) {
    case 'string':
      return { type: 'string' };
    case 'bool':
      return { type: 'boolean' };
    case 'int':
    case 'uint':
      return { type: 'integer', minimum: info.min, maximum: info.max };
    case 'bigint':
      return {
        anyOf: [safeInteger, { type: 'string', pattern: '^-?[0-9]{1,20}$' }],
        description: `${datatype}: an integer, or a decimal string for values past 2^53`,
      };
    case 'biguint':
      return {
        anyOf: [
          { ...safeInteger, minimum: 0 },
          { type: 'string', pattern: '^[0-9]{1,20}$' },
        ],
        description: `${datatype}: an integer, or a decimal string for values past 2^53`,
      };
    case 'float': {
      const range = floatRange[datatype];
      return {
        type: 'number',
        ...(range === undefined ? {} : { minimum: -range, maximum: range }),
        ...(allowMissing ? { nullable: true } : {}),
      };
    }
  }
}

const scalarFor = (spec: TensorSpec, config: ModelConfig): JsonSchema =>
  valueSchema(spec.datatype, config.allowMissing === true);

/** The seed dialect's one-row, named-feature body, e.g. {"sepal_length": 5.1, …}. */
export function namedFeaturesSchema(model: ModelMetadata, config: ModelConfig): JsonSchema | undefined {
  const layout = rowLayout(model, config);
  if (typeof layout === 'string' || layout.features.length === 0) return undefined;
  const properties: Record<string, JsonSchema> = {};
  layout.features.forEach((feature, column) => {
    properties[feature] = scalarFor(layout.kind === 'tabular' ? layout.inputs[0]! : layout.inputs[column]!, config);
  });
  return {
    type: 'object',
    properties,
    required: layout.features,
    additionalProperties: false,
    example: exampleRow(layout.features, properties),
  };
}

function exampleRow(features: string[], properties: Record<string, JsonSchema>): Record<string, unknown> {
  return Object.fromEntries(
    features.map((feature) => [
      feature,
      properties[feature]!.type === 'string' ? 'a' : properties[feature]!.type === 'boolean' ? false : 0,
    ]),
  );
}

/** A row in feature order: exactly as many values as the model has columns, when known. */
function valuesSchema(model: ModelMetadata, config: ModelConfig): JsonSchema {
  const layout = rowLayout(model, config);
  if (typeof layout === 'string' || layout.width <= 0) return { type: 'array', minItems: 1 };
  const items = layout.kind === 'tabular' ? scalarFor(layout.inputs[0]!, config) : undefined;
  return { type: 'array', minItems: layout.width, maxItems: layout.width, ...(items ? { items } : {}) };
}

/** Rows for the row dialects (/predict's and KServe v1's `instances`, feedback's): each in feature order or named. */
export function rowsSchema(model: ModelMetadata, config: ModelConfig): JsonSchema {
  const named = namedFeaturesSchema(model, config);
  const row: JsonSchema = {
    oneOf: [valuesSchema(model, config), ...(named ? [named] : [])],
    description: 'values in feature order, or an object of named features',
  };
  return { type: 'array', minItems: 1, items: row };
}

/** Every body /predict accepts for this model. */
export function seedRequestSchema(model: ModelMetadata, config: ModelConfig): JsonSchema {
  const named = namedFeaturesSchema(model, config);
  const forms: JsonSchema[] = [
    {
      type: 'object',
      title: 'one row in feature order',
      required: ['features'],
      additionalProperties: false,
      properties: { features: valuesSchema(model, config) },
    },
    {
      type: 'object',
      title: 'several rows',
      required: ['instances'],
      additionalProperties: false,
      properties: { instances: rowsSchema(model, config) },
    },
  ];
  if (named) forms.unshift({ ...named, title: 'one row of named features' });
  return { oneOf: forms };
}

const tensorSchema = (spec: TensorSpec | undefined): JsonSchema => ({
  type: 'object',
  required: ['name', 'shape', 'datatype'],
  // The values in `data`, or their bytes after the JSON (binary tensor data extension).
  anyOf: [
    { required: ['data'] },
    { required: ['parameters'], properties: { parameters: { type: 'object', required: ['binary_data_size'] } } },
  ],
  properties: {
    name: spec ? { type: 'string', enum: [spec.name] } : { type: 'string', minLength: 1 },
    shape: {
      type: 'array',
      items: { type: 'integer', minimum: 0 },
      ...(spec
        ? {
            minItems: spec.shape.length,
            maxItems: spec.shape.length,
            description: `model shape [${spec.shape.join(', ')}] (-1 = any); the values must number the product of its dimensions`,
          }
        : { description: 'the values must number the product of its dimensions' }),
    },
    datatype: spec ? { type: 'string', enum: [spec.datatype] } : { type: 'string', enum: [...datatypes] },
    parameters: { type: 'object' },
    data: { type: 'array', description: 'row-major values, flat or nested' },
  },
});

/** OIP v2 inference request (anchors §1.2), narrowed to this model's inputs when given. */
export function v2RequestSchema(model?: ModelMetadata): JsonSchema {
  return {
    type: 'object',
    required: ['inputs'],
    properties: {
      id: { type: 'string' },
      parameters: { type: 'object' },
      inputs: {
        type: 'array',
        minItems: 1,
        items: model ? { oneOf: model.inputs.map(tensorSchema) } : tensorSchema(undefined),
      },
      outputs: {
        type: 'array',
        uniqueItems: true,
        items: {
          type: 'object',
          required: ['name'],
          properties: {
            name: model ? { enum: model.outputs.map((output) => output.name) } : { type: 'string', minLength: 1 },
            parameters: { type: 'object' },
          },
        },
        description: 'each output named once',
      },
    },
  };
}

export const v2ResponseSchema: JsonSchema = {
  type: 'object',
  properties: {
    model_name: { type: 'string' },
    model_version: { type: 'string' },
    id: { type: 'string' },
    outputs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          shape: { type: 'array', items: { type: 'integer' } },
          datatype: { type: 'string' },
          data: { type: 'array' },
        },
      },
    },
  },
};

export const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string', description: 'what is wrong and where' } },
};

export const metadataTensorSchema: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    datatype: { type: 'string' },
    shape: { type: 'array', items: { type: 'integer' } },
  },
};
