import { errors } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import { isDatatype, jsonValuesText, type Tensor } from '../core/tensor.js';
import { flatten, toTypedData } from '../pipeline/values.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../runtime/runtime.js';

/**
 * JSON ↔ tensors for the Open Inference Protocol v2 REST dialect (anchors §1.2):
 *   {"id"?, "parameters"?, "inputs":[{"name","shape","datatype","data"}], "outputs"?:[{"name"}]}
 */
export function decodeV2Request(body: unknown, limits: Settings['limits']): InferenceRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.notAnObject('request body');
  const { id, inputs, outputs, parameters } = body as Record<string, unknown>;
  if (id !== undefined && typeof id !== 'string') throw errors.badField('`id`', 'a string');
  if (parameters !== undefined && (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters))) throw errors.badField('`parameters`', 'an object');
  if (!Array.isArray(inputs) || inputs.length === 0) throw errors.badField('`inputs`', 'a non-empty array of tensors');
  const request: InferenceRequest = { inputs: inputs.map((input, index) => decodeInput(input, index, limits)) };
  if (id !== undefined) request.id = id as string;
  if (parameters !== undefined) request.parameters = parameters as Record<string, unknown>;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw errors.badField('`outputs`', 'an array of {"name": …}');
    request.outputs = outputs.map((output, index) => {
      const name = (output as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') throw errors.badField(`outputs[${index}].name`, 'a string');
      return name;
    });
  }
  return request;
}

function decodeInput(input: unknown, index: number, limits: Settings['limits']): Tensor {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw errors.notAnObject(`inputs[${index}]`);
  const { name, shape, datatype, data } = input as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw errors.badField(`inputs[${index}].name`, 'a non-empty string');
  if (!Array.isArray(shape) || shape.length > limits.maxDepth || shape.some((dim) => !Number.isSafeInteger(dim) || (dim as number) < 0)) throw errors.badShape(name);
  if (typeof datatype !== 'string') throw errors.badField(`inputs[${index}].datatype`, 'a string such as "FP32"');
  if (!isDatatype(datatype)) throw errors.unknownDatatype(name, datatype);
  if (data === undefined) throw errors.badField(`inputs[${index}].data`, 'an array of values');
  const values = flatten(data, `data of \`${name}\``, limits.maxDepth, shape as number[], name);
  if (values.length > limits.maxValues) throw errors.tooManyValues(values.length, limits.maxValues);
  return { name, datatype, shape: shape as number[], data: toTypedData(values, datatype, name) };
}

/**
 * The OIP v2 inference response (§"Inference Response JSON Object") as JSON text. Written
 * directly rather than built as objects for the serializer: a 1000-row answer's values are most
 * of the time a large request spends outside the model.
 */
export function encodeV2Response(model: ModelMetadata, request: InferenceRequest, response: InferenceResponse): string {
  const outputs = response.outputs.map((tensor) => `{"name":${JSON.stringify(tensor.name)},"datatype":"${tensor.datatype}","shape":${JSON.stringify(tensor.shape)},"data":${jsonValuesText(tensor)}}`);
  const id = request.id === undefined ? '' : `,"id":${JSON.stringify(request.id)}`;
  return `{"model_name":${JSON.stringify(model.name)},"model_version":${JSON.stringify(model.version)}${id},"outputs":[${outputs.join(',')}]}`;
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
