import { errors } from '../core/errors.js';
import { elementCount } from '../core/tensor.js';
import type { RequestBuilder } from '../pipeline/request-builder.js';
import type { Codec } from '../serving/codec.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../core/inference.js';
import { dataToRaw, rawToData } from './tensor-bytes.js';
import { contentsToData, dataToContents } from './typed-contents.js';
import type {
  WireContents,
  WireInferInput,
  WireInferRequest,
  WireInferResponse,
  WireModelMetadata,
  WireParameter,
  WireParameters,
} from './grpc-wire.js';

/**
 * OIP v2 gRPC messages ↔ the data plane's requests and responses (proto/open_inference_grpc.proto).
 * Pure: no sockets, no grpc-js.
 */

/** Request parameter that chooses the reply's form: true = raw_output_contents, false = typed contents. */
export const rawOutputParameter = 'binary_data_output';

/**
 * ModelInfer's request → typed tensors, its reply ← the answer. Typed contents or raw contents
 * ("If this field is specified then InferInputTensor::contents must not be specified for any
 * input tensor"); the reply is raw when the request was, or when it asks with `binary_data_output`.
 * The transport picks the model and version from `model_name` and `model_version` first.
 */
export const grpcInferCodec: Codec<WireInferRequest, WireInferResponse> = {
  decode(message, request, model) {
    const inputs = message.inputs ?? [];
    if (inputs.length === 0) throw errors.badField('`inputs`', 'a non-empty list of tensors');
    const raw = message.raw_input_contents ?? [];
    if (raw.length > 0 && raw.length !== inputs.length) throw errors.rawContentsCount(raw.length, inputs.length);
    inputs.forEach((input, index) => decodeInput(input, index, raw[index], request));
    if (message.id) request.id = message.id;
    const parameters = fromWireParameters(message.parameters);
    if (Object.keys(parameters).length > 0) request.parameters = parameters;
    const outputs = message.outputs ?? [];
    if (outputs.length > 0) {
      request.outputs(
        outputs.map((output, index) => {
          if (!output.name) throw errors.badField(`outputs[${index}].name`, 'a non-empty string');
          return output.name;
        }),
      );
    }
    const wantsRaw = parameters[rawOutputParameter];
    const rawOutput = typeof wantsRaw === 'boolean' ? wantsRaw : raw.length > 0;
    return (response, decoded) => encodeInferResponse(model.metadata, decoded, response, rawOutput);
  },
};

function decodeInput(input: WireInferInput, index: number, raw: Uint8Array | undefined, request: RequestBuilder): void {
  const name = input.name ?? '';
  if (name === '') throw errors.badField(`inputs[${index}].name`, 'a non-empty string');
  const datatype = input.datatype ?? '';
  if (datatype === '') throw errors.badField(`inputs[${index}].datatype`, 'a string such as "FP32"');
  const shape = (input.shape ?? []).map(Number);
  const spec = request.begin(name, datatype, shape);
  // Refused before allocating: a raw input's size follows from its shape alone.
  request.reserve(elementCount(shape));
  if (raw !== undefined && hasValues(input.contents)) throw errors.mixedContents(name);
  const data =
    raw === undefined
      ? contentsToData(input.contents, spec.datatype, name)
      : rawToData(raw, spec.datatype, shape, name);
  request.add({ name, datatype: spec.datatype, shape, data }, spec);
}

function hasValues(contents: WireContents | null | undefined): boolean {
  return !!contents && Object.values(contents).some((values) => Array.isArray(values) && values.length > 0);
}

/**
 * Encodes the reply raw or typed. FP16 has no typed field, and the spec forbids mixing the two
 * forms in one response, so a response with any FP16 output is raw whatever was asked.
 */
export function encodeInferResponse(
  model: ModelMetadata,
  request: InferenceRequest,
  response: InferenceResponse,
  rawOutput: boolean,
): WireInferResponse {
  const raw = rawOutput || response.outputs.some((tensor) => tensor.datatype === 'FP16');
  return {
    model_name: model.name,
    model_version: model.version,
    id: request.id ?? '',
    outputs: response.outputs.map((tensor) => ({
      name: tensor.name,
      datatype: tensor.datatype,
      shape: tensor.shape,
      ...(raw ? {} : { contents: dataToContents(tensor) }),
    })),
    raw_output_contents: raw ? response.outputs.map(dataToRaw) : [],
  };
}

/** OIP v2 ModelMetadataResponse; Berth's extra facts (classes, producer) are REST-only: the message has no parameters field. */
export function encodeModelMetadata(model: ModelMetadata, versions: string[]): WireModelMetadata {
  const tensor = ({ name, datatype, shape }: { name: string; datatype: string; shape: number[] }) => ({
    name,
    datatype,
    shape,
  });
  return {
    name: model.name,
    versions,
    platform: model.platform,
    inputs: model.inputs.map(tensor),
    outputs: model.outputs.map(tensor),
  };
}

/** InferParameter map → plain values; 64-bit integers become numbers when exact, else decimal strings. */
export function fromWireParameters(parameters: WireParameters | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, parameter] of Object.entries(parameters ?? {})) {
    const value = parameterValue(parameter);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function parameterValue(parameter: WireParameter): unknown {
  const choice = parameter.parameter_choice;
  if (choice === undefined) return undefined;
  const value = parameter[choice];
  if (choice === 'int64_param' || choice === 'uint64_param') {
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? asNumber : String(value);
  }
  return value;
}
