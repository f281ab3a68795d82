import { errors } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import { elementCount, shapeFits } from '../core/tensor.js';
import type { InferenceRequest, ModelMetadata } from '../runtime/runtime.js';

/**
 * Checks a decoded request against the model's signature before it reaches a batch or the
 * runtime: every input present once, datatype and shape as declared, one batch size across
 * inputs, the requested outputs exist, and the request is within the row and value limits.
 * Returns the batch size (first dimension).
 */
export function validateRequest(request: InferenceRequest, model: ModelMetadata, limits: Settings['limits']): number {
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
  for (const name of request.outputs ?? []) {
    if (!model.outputs.some((output) => output.name === name)) throw errors.unknownOutput(name, model.name, model.outputs.map((output) => output.name));
  }
  const sizes = new Set(batchSizes.values());
  if (sizes.size > 1) throw errors.batchMismatch([...batchSizes].map(([name, size]) => `${name}=${size}`).join(', '));
  const rows = sizes.size === 1 ? [...sizes][0]! : 1;
  if (rows > limits.maxRows) throw errors.tooManyRows(rows, limits.maxRows);
  if (values > limits.maxValues) throw errors.tooManyValues(values, limits.maxValues);
  return rows;
}
