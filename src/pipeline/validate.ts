import { errors } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import { elementCount, shapeFits, type Tensor } from '../core/tensor.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../runtime/runtime.js';

export interface ValueRules {
  /** berth.yaml `model.allowMissing`: NaN (JSON null) is a missing value the model handles. */
  allowMissing?: boolean;
}

/**
 * Checks a decoded request against the model's signature before it reaches a batch or the
 * runtime: every input present once, datatype and shape as declared, one batch size across
 * inputs, every float finite (NaN only where the model takes missing values), the requested
 * outputs exist and are named once each, and the request is within the row and value limits.
 * Every transport calls it (through the data plane), so REST, gRPC typed and gRPC raw contents
 * get the same checks. Returns the batch size (first dimension).
 */
export function validateRequest(request: InferenceRequest, model: ModelMetadata, limits: Settings['limits'], rules: ValueRules = {}): number {
  const seen = new Set<string>();
  let values = 0;
  const batchSizes = new Map<string, number>();
  for (const input of request.inputs) {
    const spec = model.inputs.find((candidate) => candidate.name === input.name);
    if (!spec) throw errors.unknownInput(input.name, model.name, model.inputs.map((candidate) => candidate.name));
    if (seen.has(input.name)) throw errors.duplicateInput(input.name);
    seen.add(input.name);
    if (input.datatype !== spec.datatype) throw errors.wrongDatatype(input.name, spec.datatype, input.datatype);
    const count = elementCount(input.shape);
    if (count !== input.data.length) throw errors.shapeMismatch(input.name, input.shape, input.data.length);
    if (!shapeFits(spec.shape, input.shape)) throw errors.wrongShape(input.name, spec.shape, input.shape);
    values += count;
    if (input.shape.length > 0) batchSizes.set(input.name, input.shape[0]!);
  }
  for (const spec of model.inputs) if (!seen.has(spec.name)) throw errors.missingInput(spec.name, model.name);
  const outputs = new Set<string>();
  for (const name of request.outputs ?? []) {
    // Each repeat would be another copy of the answer: 20,000 repeats of one name took a process
    // to its heap limit. Refused rather than merged, so the reply lists exactly what was asked.
    if (outputs.has(name)) throw errors.duplicateOutput(name);
    outputs.add(name);
    if (!model.outputs.some((output) => output.name === name)) throw errors.unknownOutput(name, model.name, model.outputs.map((output) => output.name));
  }
  const sizes = new Set(batchSizes.values());
  if (sizes.size > 1) throw errors.batchMismatch([...batchSizes].map(([name, size]) => `${name}=${size}`).join(', '));
  const rows = sizes.size === 1 ? [...sizes][0]! : 1;
  if (rows > limits.maxRows) throw errors.tooManyRows(rows, limits.maxRows);
  if (values > limits.maxValues) throw errors.tooManyValues(values, limits.maxValues);
  for (const input of request.inputs) checkFinite(input, rules);
  return rows;
}

/**
 * Floats must be finite: JSON's 1e309 parses to Infinity, 3.5e38 overflows FP32 to Infinity, and
 * "NaN" strings or raw gRPC bytes carry NaN; a model answers all of them with something. NaN
 * passes only where berth.yaml says the model takes missing values.
 */
function checkFinite(input: Tensor, rules: ValueRules): void {
  const { data, datatype } = input;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return;
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    if (value - value === 0) continue; // finite: the one comparison per value on the common path
    if (Number.isNaN(value)) {
      if (rules.allowMissing) continue;
      throw errors.missingValue(input.name, i);
    }
    throw errors.nonFinite(input.name, i, String(value), datatype);
  }
}

/**
 * The reply is bounded like the request: at most `maxValues` values (outputs are named once
 * each, so this holds for every model whose outputs grow with its rows).
 */
export function validateResponse(response: InferenceResponse, limits: Settings['limits']): void {
  let values = 0;
  for (const output of response.outputs) values += output.data.length;
  if (values > limits.maxValues) throw errors.replyTooLarge(values, limits.maxValues);
}
