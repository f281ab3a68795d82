import type { Settings } from '../core/config.js';
import { errors } from '../core/errors.js';
import type { InferenceRequest, ModelMetadata } from '../core/inference.js';
import { elementCount, isDatatype, shapeFits, type Tensor, type TensorSpec } from '../core/tensor.js';

export interface ValueRules {
  /** berth.yaml `model.allowMissing`: NaN (JSON null) is a missing value the model handles. */
  allowMissing?: boolean;
  /** Berth's own rows (a reference CSV profiled at load): values reach the model as they are. */
  trusted?: boolean;
}

/**
 * One request, built by a dialect's decoder straight against the signature of the model version
 * that answers it, and checked once, as it is built; every dialect (seed rows, OIP v2 JSON and
 * binary, KServe v1, gRPC typed and raw contents) decodes into one, so all get the same checks:
 *  - `begin`, before any value is read: the input is one the model takes, named once, with its
 *    datatype and a shape of non-negative integers;
 *  - `reserve`, before values are allocated: the request stays within the row and value limits;
 *  - `add`, once its values are read: as many as the shape says, the shape fits the model's,
 *    every float finite (NaN only where the model takes missing values);
 *  - `finish`: every input given, one batch size across them, outputs named once each.
 */
export class RequestBuilder {
  readonly #inputs: Tensor[] = [];
  /** Inputs begun, in order: at most the model's inputs (any other is refused), so a list, not a Set per request. */
  readonly #seen: string[] = [];
  #values = 0;
  #outputs?: string[];
  id?: string;
  parameters?: Record<string, unknown>;

  constructor(
    readonly model: ModelMetadata,
    readonly limits: Settings['limits'],
    readonly rules: ValueRules = {},
  ) {}

  /** The model's declaration of input `name`, given with `datatype` and `shape` by the caller. */
  begin(name: string, datatype: string, shape: readonly unknown[]): TensorSpec {
    if (shape.length > this.limits.maxDepth || shape.some((dim) => !Number.isSafeInteger(dim) || (dim as number) < 0))
      throw errors.badShape(name);
    if (!isDatatype(datatype)) throw errors.unknownDatatype(name, datatype);
    const spec = this.model.inputs.find((candidate) => candidate.name === name);
    if (!spec)
      throw errors.unknownInput(
        name,
        this.model.name,
        this.model.inputs.map((candidate) => candidate.name),
      );
    if (this.#seen.includes(name)) throw errors.duplicateInput(name);
    this.#seen.push(name);
    if (datatype !== spec.datatype) throw errors.wrongDatatype(name, spec.datatype, datatype);
    return spec;
  }

  /** Refuses, before anything is allocated, `values` more values (and `rows` rows, where known) past the limits. */
  reserve(values: number, rows?: number): void {
    if (rows !== undefined) this.#checkRows(rows);
    this.#values += values;
    if (this.#values > this.limits.maxValues) throw errors.tooManyValues(this.#values, this.limits.maxValues);
  }

  /** An input whose values are read; `spec` is what `begin` returned for it. */
  add(tensor: Tensor, spec: TensorSpec): void {
    const count = elementCount(tensor.shape);
    if (count !== tensor.data.length) throw errors.shapeMismatch(tensor.name, tensor.shape, tensor.data.length);
    if (!shapeFits(spec.shape, tensor.shape)) throw errors.wrongShape(tensor.name, spec.shape, tensor.shape);
    if (tensor.shape.length > 0) this.#checkRows(tensor.shape[0]!);
    if (!this.rules.trusted) checkFinite(tensor, this.rules);
    this.#inputs.push(tensor);
  }

  /** The outputs to answer with, each named once (a repeat would be another copy of the answer). */
  outputs(names: string[]): void {
    const wanted = new Set<string>();
    for (const name of names) {
      // 20,000 repeats of one name took a process to its heap limit. Refused rather than merged,
      // so the reply lists exactly what was asked.
      if (wanted.has(name)) throw errors.duplicateOutput(name);
      wanted.add(name);
      if (!this.model.outputs.some((output) => output.name === name))
        throw errors.unknownOutput(
          name,
          this.model.name,
          this.model.outputs.map((output) => output.name),
        );
    }
    this.#outputs = names;
  }

  finish(): InferenceRequest {
    for (const spec of this.model.inputs)
      if (!this.#seen.includes(spec.name)) throw errors.missingInput(spec.name, this.model.name);
    // One batch size across the inputs that have one (an input is added once: `begin` refuses a repeat).
    let batchSize: number | undefined;
    for (const input of this.#inputs) {
      if (input.shape.length === 0) continue;
      if (batchSize === undefined) batchSize = input.shape[0];
      else if (input.shape[0] !== batchSize)
        throw errors.batchMismatch(
          this.#inputs
            .filter((candidate) => candidate.shape.length > 0)
            .map((candidate) => `${candidate.name}=${candidate.shape[0]}`)
            .join(', '),
        );
    }
    const request: InferenceRequest = { inputs: this.#inputs };
    if (this.#outputs) request.outputs = this.#outputs;
    if (this.id !== undefined) request.id = this.id;
    if (this.parameters !== undefined) request.parameters = this.parameters;
    return request;
  }

  #checkRows(rows: number): void {
    if (rows > this.limits.maxRows) throw errors.tooManyRows(rows, this.limits.maxRows);
  }
}

/**
 * Floats must be finite: JSON's 1e309 parses to Infinity, 3.5e38 overflows FP32 to Infinity, and
 * "NaN" strings or raw bytes carry NaN; a model answers all of them with something. NaN passes
 * only where berth.yaml says the model takes missing values.
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
