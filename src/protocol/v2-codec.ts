import { errors } from '../core/errors.js';
import { elementCount, jsonValuesText } from '../core/tensor.js';
import type { RequestBuilder } from '../pipeline/request-builder.js';
import type { Codec } from '../serving/codec.js';
import { flatten, toTypedData } from './json-values.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../core/inference.js';
import { BinarySection, isBinaryOutput, noBinaryOutputs, type BinaryOutputs } from './binary-body.js';
import { dataToRaw, rawToData } from './tensor-bytes.js';

/** An OIP v2 REST body: the JSON, and what followed it when the request gave its length (binary tensor data extension). */
export interface V2Body {
  json: unknown;
  binary?: Buffer;
}

/** A reply: the JSON text, then the bytes of the outputs that answer as binary, in output order. */
export interface V2Reply {
  json: string;
  binary: Uint8Array[];
}

/**
 * JSON ↔ tensors for the Open Inference Protocol v2 REST dialect, with the binary tensor data
 * extension (binary-body.ts): an input carries either `data` or, when its bytes follow the JSON,
 * `parameters.binary_data_size`; `binary` is what followed the JSON header, if anything.
 *   {"id"?, "parameters"?, "inputs":[{"name","shape","datatype","data"|"parameters"}], "outputs"?:[{"name","parameters"?}]}
 */
export const v2Codec: Codec<V2Body, V2Reply> = {
  decode({ json: body, binary }, request, model) {
    if (body === undefined) throw errors.emptyBody();
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.notAnObject('request body');
    const { id, inputs, outputs, parameters } = body as Record<string, unknown>;
    if (id !== undefined && typeof id !== 'string') throw errors.badField('`id`', 'a string');
    if (parameters !== undefined && !isObject(parameters)) throw errors.badField('`parameters`', 'an object');
    if (!Array.isArray(inputs) || inputs.length === 0)
      throw errors.badField('`inputs`', 'a non-empty array of tensors');
    const section = new BinarySection(binary);
    inputs.forEach((input, index) => decodeInput(input, index, request, section));
    section.finish();
    if (id !== undefined) request.id = id as string;
    if (parameters !== undefined) request.parameters = parameters as Record<string, unknown>;
    const all =
      booleanParameter(
        parameters as Record<string, unknown> | undefined,
        'binary_data_output',
        '`parameters.binary_data_output`',
      ) ?? false;
    const binaryOutputs: BinaryOutputs = { all };
    if (outputs !== undefined) {
      if (!Array.isArray(outputs)) throw errors.badField('`outputs`', 'an array of {"name": …}');
      request.outputs(
        outputs.map((output, index) => {
          const { name, parameters: given } = (output ?? {}) as { name?: unknown; parameters?: unknown };
          if (typeof name !== 'string') throw errors.badField(`outputs[${index}].name`, 'a string');
          if (given === undefined) return name;
          if (!isObject(given)) throw errors.badField(`outputs[${index}].parameters`, 'an object');
          refuseUnsupported(given, `outputs[${index}]`);
          const choice = booleanParameter(given, 'binary_data', `outputs[${index}].parameters.binary_data`);
          if (choice !== undefined) (binaryOutputs.byName ??= new Map()).set(name, choice);
          return name;
        }),
      );
    }
    return (response, decoded) => encodeV2Response(model.metadata, decoded, response, binaryOutputs);
  },
};

function decodeInput(input: unknown, index: number, request: RequestBuilder, section: BinarySection): void {
  if (!isObject(input)) throw errors.notAnObject(`inputs[${index}]`);
  const { name, shape, datatype, data, parameters } = input;
  if (typeof name !== 'string' || name === '') throw errors.badField(`inputs[${index}].name`, 'a non-empty string');
  if (!Array.isArray(shape)) throw errors.badShape(name);
  if (typeof datatype !== 'string') throw errors.badField(`inputs[${index}].datatype`, 'a string such as "FP32"');
  if (parameters !== undefined && !isObject(parameters))
    throw errors.badField(`inputs[${index}].parameters`, 'an object');
  if (parameters !== undefined) refuseUnsupported(parameters, `inputs[${index}]`);
  const spec = request.begin(name, datatype, shape);
  const dims = shape as number[];
  const binarySize = parameters?.binary_data_size;
  if (binarySize !== undefined) {
    if (data !== undefined) throw errors.dataAndBinary(name);
    const bytes = section.take(name, binarySize);
    // Refused before allocating: the element count follows from the shape alone.
    request.reserve(elementCount(dims));
    return request.add(
      { name, datatype: spec.datatype, shape: dims, data: rawToData(bytes, spec.datatype, dims, name) },
      spec,
    );
  }
  if (data === undefined)
    throw errors.badField(
      `inputs[${index}].data`,
      'an array of values (or parameters.binary_data_size with the bytes after the JSON)',
    );
  const values = flatten(data, `data of \`${name}\``, request.limits.maxDepth, dims, name);
  request.reserve(values.length);
  request.add({ name, datatype: spec.datatype, shape: dims, data: toTypedData(values, spec.datatype, name) }, spec);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function booleanParameter(
  parameters: Record<string, unknown> | undefined,
  key: string,
  where: string,
): boolean | undefined {
  const value = parameters?.[key];
  if (value !== undefined && typeof value !== 'boolean') throw errors.badField(where, 'true or false');
  return value as boolean | undefined;
}

/** Tensor parameters of Triton extensions Berth does not implement: refused, not silently ignored. */
const unsupportedParameters: Record<string, string> = {
  shared_memory_region: 'shared memory',
  classification: 'classification',
};

function refuseUnsupported(parameters: Record<string, unknown>, where: string): void {
  for (const key of Object.keys(unsupportedParameters)) {
    if (parameters[key] !== undefined) throw errors.unsupportedTensorParameter(where, key, unsupportedParameters[key]!);
  }
}

/**
 * The OIP v2 inference response (§"Inference Response JSON Object") as JSON text, binary outputs
 * as `parameters.binary_data_size` plus their bytes. Written directly rather than built as objects
 * for the serializer: a 1000-row answer's values are most of the time a large request spends
 * outside the model.
 */
export function encodeV2Response(
  model: ModelMetadata,
  request: InferenceRequest,
  response: InferenceResponse,
  binaryOutputs: BinaryOutputs = noBinaryOutputs,
): V2Reply {
  const binary: Uint8Array[] = [];
  const outputs = response.outputs.map((tensor) => {
    const head = `{"name":${JSON.stringify(tensor.name)},"datatype":"${tensor.datatype}","shape":${JSON.stringify(tensor.shape)}`;
    if (!isBinaryOutput(binaryOutputs, tensor.name)) return `${head},"data":${jsonValuesText(tensor)}}`;
    const bytes = dataToRaw(tensor);
    binary.push(bytes);
    return `${head},"parameters":{"binary_data_size":${bytes.byteLength}}}`;
  });
  const id = request.id === undefined ? '' : `,"id":${JSON.stringify(request.id)}`;
  return {
    json: `{"model_name":${JSON.stringify(model.name)},"model_version":${JSON.stringify(model.version)}${id},"outputs":[${outputs.join(',')}]}`,
    binary,
  };
}

/** Model metadata as OIP v2 §"Model Metadata" shapes it. */
export function encodeV2Metadata(
  model: ModelMetadata,
  versions: string[],
  traffic: Record<string, string | number> = {},
) {
  return {
    name: model.name,
    versions,
    platform: model.platform,
    inputs: model.inputs,
    outputs: model.outputs,
    parameters: {
      ...model.properties,
      ...(model.classifier ? { classes: model.classifier.classes.join(',') } : {}),
      ...traffic,
    },
  };
}
