import { allocate, elementCount, type Tensor, type TensorData } from '../core/tensor.js';
import type { InferenceRequest, InferenceResponse } from '../core/inference.js';

/**
 * Pure merge and split along the batch axis (dimension 0), as MLServer's BatchedRequests does.
 * Requests can share a model call when their inputs agree on everything but dimension 0.
 */
export function batchKey(request: InferenceRequest): string {
  if (request.inputs.length === 1 && request.outputs === undefined) {
    // The common case, once per request: one [N, F] input, every output. The key of the last
    // such request is kept, so a stream of like requests builds (and compares) no new strings.
    const [input] = request.inputs as [InferenceRequest['inputs'][0]];
    if (input.shape.length === 2) {
      const last = lastKey;
      if (last.name === input.name && last.datatype === input.datatype && last.width === input.shape[1])
        return last.key;
      const key = `${input.name}:${input.datatype}:${input.shape[1]}>*`;
      lastKey = { name: input.name, datatype: input.datatype, width: input.shape[1]!, key };
      return key;
    }
  }
  const outputs = request.outputs?.join(',') ?? '*';
  if (request.inputs.length === 1) {
    const [input] = request.inputs as [InferenceRequest['inputs'][0]];
    return `${input.name}:${input.datatype}:${input.shape.slice(1).join('x')}>${outputs}`;
  }
  const inputs = request.inputs
    .map((input) => `${input.name}:${input.datatype}:${input.shape.slice(1).join('x')}`)
    .sort();
  return `${inputs.join('|')}>${outputs}`;
}

let lastKey = { name: '', datatype: '', width: -1, key: '' };

/** The request's batch size: the first dimension of its inputs (1 when every input is a scalar). */
export function rowsOf(request: InferenceRequest): number {
  for (const input of request.inputs) if (input.shape.length > 0) return input.shape[0]!;
  return 1;
}

export function mergeRequests(requests: InferenceRequest[]): InferenceRequest {
  const first = requests[0]!;
  const total = requests.reduce((sum, request) => sum + rowsOf(request), 0);
  const inputs = first.inputs.map((template): Tensor => {
    const parts = requests.map((request) => request.inputs.find((input) => input.name === template.name)!.data);
    return {
      name: template.name,
      datatype: template.datatype,
      shape: [total, ...template.shape.slice(1)],
      data: concat(template, parts, total),
    };
  });
  return { inputs, outputs: first.outputs };
}

function concat(template: Tensor, parts: TensorData[], totalRows: number): TensorData {
  const length = totalRows * elementCount(template.shape.slice(1));
  if (Array.isArray(template.data)) return (parts as string[][]).flat();
  const out = allocate(template.datatype, length) as Exclude<TensorData, string[]>;
  let offset = 0;
  for (const part of parts as Array<Exclude<TensorData, string[]>>) {
    (out as Float32Array).set(part as Float32Array, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Splits a batched response back into one response per request. Returns undefined when some
 * output does not have one row per input row (e.g. a model that reduces over the batch), in
 * which case the caller must run the requests one by one.
 */
export function splitResponse(
  response: InferenceResponse,
  requests: InferenceRequest[],
): InferenceResponse[] | undefined {
  const total = requests.reduce((sum, request) => sum + rowsOf(request), 0);
  if (response.outputs.some((output) => output.shape[0] !== total)) return undefined;
  const results: InferenceResponse[] = new Array(requests.length);
  for (let index = 0; index < requests.length; index++) results[index] = { outputs: [] };
  for (const output of response.outputs) {
    const rest = output.shape.slice(1);
    const width = elementCount(rest);
    const { data } = output;
    let row = 0;
    for (let index = 0; index < requests.length; index++) {
      const rows = rowsOf(requests[index]!);
      // A view of the batch's output, not a copy: each request's answer only reads its rows.
      const part = Array.isArray(data)
        ? data.slice(row * width, (row + rows) * width)
        : data.subarray(row * width, (row + rows) * width);
      results[index]!.outputs.push({
        name: output.name,
        datatype: output.datatype,
        shape: rest.length === 0 ? [rows] : [rows, ...rest],
        data: part as TensorData,
      });
      row += rows;
    }
  }
  return results;
}
