import { errors } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import { elementCount, isDatatype, jsonValuesText, type Tensor } from '../core/tensor.js';
import { flatten, toTypedData } from '../pipeline/values.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../runtime/runtime.js';
import { BinarySection, isBinaryOutput, noBinaryOutputs, type BinaryOutputs } from './binary-body.js';
import { dataToRaw, rawToData } from './tensor-bytes.js';

/** A decoded OIP v2 REST inference request, with how its reply should carry each output. */
export interface DecodedV2Request {
  request: InferenceRequest;
  binaryOutputs: BinaryOutputs;
}

/**
 * JSON ↔ tensors for the Open Inference Protocol v2 REST dialect (anchors §1.2), with the binary
 * tensor data extension (binary-body.ts): an input carries either `data` or, when its bytes follow
 * the JSON, `parameters.binary_data_size`; `binary` is what followed the JSON header, if anything.
 *   {"id"?, "parameters"?, "inputs":[{"name","shape","datatype","data"|"parameters"}], "outputs"?:[{"name","parameters"?}]}
 */
export function decodeV2Request(body: unknown, limits: Settings['limits'], binary?: Buffer): DecodedV2Request {
  if (body === undefined) throw errors.emptyBody();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.notAnObject('request body');
  const { id, inputs, outputs, parameters } = body as Record<string, unknown>;
  if (id !== undefined && typeof id !== 'string') throw errors.badField('`id`', 'a string');
  if (parameters !== undefined && !isObject(parameters)) throw errors.badField('`parameters`', 'an object');
  if (!Array.isArray(inputs) || inputs.length === 0) throw errors.badField('`inputs`', 'a non-empty array of tensors');
  const section = new BinarySection(binary);
  const request: InferenceRequest = { inputs: inputs.map((input, index) => decodeInput(input, index, limits, section)) };
  section.finish();
  if (id !== undefined) request.id = id as string;
  if (parameters !== undefined) request.parameters = parameters as Record<string, unknown>;
  const all = booleanParameter(parameters as Record<string, unknown> | undefined, 'binary_data_output', '`parameters.binary_data_output`') ?? false;
  const binaryOutputs: BinaryOutputs = { all };
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw errors.badField('`outputs`', 'an array of {"name": …}');
    request.outputs = outputs.map((output, index) => {
      const { name, parameters: given } = (output ?? {}) as { name?: unknown; parameters?: unknown };
      if (typeof name !== 'string') throw errors.badField(`outputs[${index}].name`, 'a string');
      if (given === undefined) return name;
      if (!isObject(given)) throw errors.badField(`outputs[${index}].parameters`, 'an object');
      refuseUnsupported(given, `outputs[${index}]`);
      const choice = booleanParameter(given, 'binary_data', `outputs[${index}].parameters.binary_data`);
      if (choice !== undefined) (binaryOutputs.byName ??= new Map()).set(name, choice);
      return name;
    });
  }
  return { request, binaryOutputs };
}

function decodeInput(input: unknown, index: number, limits: Settings['limits'], section: BinarySection): Tensor {
  if (!isObject(input)) throw errors.notAnObject(`inputs[${index}]`);
  const { name, shape, datatype, data, parameters } = input;
  if (typeof name !== 'string' || name === '') throw errors.badField(`inputs[${index}].name`, 'a non-empty string');
  if (!Array.isArray(shape) || shape.length > limits.maxDepth || shape.some((dim) => !Number.isSafeInteger(dim) || (dim as number) < 0)) throw errors.badShape(name);
  if (typeof datatype !== 'string') throw errors.badField(`inputs[${index}].datatype`, 'a string such as "FP32"');
  if (!isDatatype(datatype)) throw errors.unknownDatatype(name, datatype);
  if (parameters !== undefined && !isObject(parameters)) throw errors.badField(`inputs[${index}].parameters`, 'an object');
  if (parameters !== undefined) refuseUnsupported(parameters, `inputs[${index}]`);
  const binarySize = parameters?.binary_data_size;
  if (binarySize !== undefined) {
    if (data !== undefined) throw errors.dataAndBinary(name);
    const bytes = section.take(name, binarySize);
    // Refuse before allocating: the element count follows from the shape alone.
    const count = elementCount(shape as number[]);
    if (count > limits.maxValues) throw errors.tooManyValues(count, limits.maxValues);
    return { name, datatype, shape: shape as number[], data: rawToData(bytes, datatype, shape as number[], name) };
  }
  if (data === undefined) throw errors.badField(`inputs[${index}].data`, 'an array of values (or parameters.binary_data_size with the bytes after the JSON)');
  const values = flatten(data, `data of \`${name}\``, limits.maxDepth, shape as number[], name);
  if (values.length > limits.maxValues) throw errors.tooManyValues(values.length, limits.maxValues);
  return { name, datatype, shape: shape as number[], data: toTypedData(values, datatype, name) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function booleanParameter(parameters: Record<string, unknown> | undefined, key: string, where: string): boolean | undefined {
  const value = parameters?.[key];
  if (value !== undefined && typeof value !== 'boolean') throw errors.badField(where, 'true or false');
  return value as boolean | undefined;
}

/** Tensor parameters of Triton extensions Berth does not implement: refused, not silently ignored. */
const unsupportedParameters: Record<string, string> = { shared_memory_region: 'shared memory', classification: 'classification' };

function refuseUnsupported(parameters: Record<string, unknown>, where: string): void {
  for (const key of Object.keys(unsupportedParameters)) {
    if (parameters[key] !== undefined) throw errors.unsupportedTensorParameter(where, key, unsupportedParameters[key]!);
  }
}

/** A reply: the JSON text, then the bytes of the outputs that answer as binary, in output order. */
export interface V2Reply {
  json: string;
  binary: Uint8Array[];
}

/**
 * The OIP v2 inference response (§"Inference Response JSON Object") as JSON text, binary outputs
 * as `parameters.binary_data_size` plus their bytes. Written directly rather than built as objects
 * for the serializer: a 1000-row answer's values are most of the time a large request spends
 * outside the model.
 */
export function encodeV2Response(model: ModelMetadata, request: InferenceRequest, response: InferenceResponse, binaryOutputs: BinaryOutputs = noBinaryOutputs): V2Reply {
  const binary: Uint8Array[] = [];
  const outputs = response.outputs.map((tensor) => {
    const head = `{"name":${JSON.stringify(tensor.name)},"datatype":"${tensor.datatype}","shape":${JSON.stringify(tensor.shape)}`;
    if (!isBinaryOutput(binaryOutputs, tensor.name)) return `${head},"data":${jsonValuesText(tensor)}}`;
    const bytes = dataToRaw(tensor);
    binary.push(bytes);
    return `${head},"parameters":{"binary_data_size":${bytes.byteLength}}}`;
  });
  const id = request.id === undefined ? '' : `,"id":${JSON.stringify(request.id)}`;
  return { json: `{"model_name":${JSON.stringify(model.name)},"model_version":${JSON.stringify(model.version)}${id},"outputs":[${outputs.join(',')}]}`, binary };
}

/** Model metadata as OIP v2 §"Model Metadata" shapes it. */
export function encodeV2Metadata(model: ModelMetadata, versions: string[], traffic: Record<string, string | number> = {}) {
  return {
    name: model.name,
    versions,
    platform: model.platform,
    inputs: model.inputs,
    outputs: model.outputs,
    parameters: { ...model.properties, ...(model.classifier ? { classes: model.classifier.classes.join(',') } : {}), ...traffic },
  };
}
