import { errors } from '../core/errors.js';
import type { ClassifierInfo, InferenceResponse, ModelMetadata } from '../core/inference.js';
import { allocate, elementCount, type Tensor, type TensorData, type TensorSpec } from '../core/tensor.js';
import type { ModelRuntime, RuntimeFactory } from './runtime.js';

/** A fake model: its signature, and how it answers. */
export interface FakeModel {
  name: string;
  version: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  classifier?: ClassifierInfo;
  /** Added to every class and every value: versions that answer differently (a shadow that disagrees). */
  offset?: number;
  /** Awaited before each call computes: a test holds calls to watch queues, deadlines and drains. */
  hold?: () => Promise<void>;
}

/** A runtime that also tells what it was asked. */
export interface FakeRuntime extends ModelRuntime {
  /** Rows of each call, in order. */
  readonly calls: number[];
}

/** The iris classifier's signature, as skl2onnx exports it with ZipMap unwrapped. */
export const irisSignature: Pick<FakeModel, 'inputs' | 'outputs' | 'classifier'> = {
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [
    { name: 'output_label', datatype: 'INT64', shape: [-1] },
    { name: 'output_probability', datatype: 'FP32', shape: [-1, 3] },
  ],
  classifier: { labelOutput: 'output_label', probabilityOutput: 'output_probability', classes: [0, 1, 2] },
};

/**
 * A deterministic model for tests and dry runs, with no onnxruntime: each row's answer follows
 * from the sum `s` of its input values (strings count their length) plus `offset`:
 *  - a classifier's label is class ⌊|s|⌋ mod classes, with probability 0.75 (the rest shared);
 *  - every other output holds `s` in each element (rounded for integers, s > 0 for BOOL).
 * @example
 *   const runtime = createFakeRuntime({ name: 'iris', version: '1', ...irisSignature });
 *   // [5.1, 3.5, 1.4, 0.2] sums to 10.2: label 10 mod 3 = 1, probabilities [0.125, 0.75, 0.125]
 */
export function createFakeRuntime(model: FakeModel): FakeRuntime {
  let loaded = false;
  const calls: number[] = [];
  const metadata: ModelMetadata = {
    name: model.name,
    version: model.version,
    platform: 'fake',
    inputs: model.inputs,
    outputs: model.outputs,
    ...(model.classifier ? { classifier: model.classifier } : {}),
    properties: { runtime: 'fake' },
  };
  return {
    calls,
    async load() {
      loaded = true;
    },
    metadata() {
      if (!loaded) throw errors.modelNotReady(model.name);
      return metadata;
    },
    async infer(request) {
      if (!loaded) throw errors.modelNotReady(model.name);
      const rows = request.inputs[0]?.shape[0] ?? 1;
      calls.push(rows);
      await model.hold?.();
      const sums = rowSums(request.inputs, rows, model.offset ?? 0);
      // As onnx.ts: no outputs named, or an empty list, asks for all of them.
      const wanted = request.outputs?.length ? request.outputs : model.outputs.map((output) => output.name);
      return {
        outputs: wanted.map((name) =>
          answer(
            model.outputs.find((output) => output.name === name)!,
            sums,
            model.classifier,
          ),
        ),
      } satisfies InferenceResponse;
    },
    async unload() {
      loaded = false;
    },
  };
}

/** The fake for every version a server loads: `models(name, version)` says what each is. */
export function fakeRuntimes(
  models: (name: string, version: string) => Omit<FakeModel, 'name' | 'version'>,
): RuntimeFactory {
  return (source) =>
    createFakeRuntime({ name: source.name, version: source.version, ...models(source.name, source.version) });
}

function rowSums(inputs: Tensor[], rows: number, offset: number): number[] {
  const sums = new Array<number>(rows).fill(offset);
  for (const input of inputs) {
    const width = rows === 0 ? 0 : input.data.length / rows;
    for (let i = 0; i < input.data.length; i++) {
      const value = input.data[i]!;
      sums[Math.floor(i / width)]! += typeof value === 'string' ? value.length : Number(value);
    }
  }
  return sums;
}

function answer(spec: TensorSpec, sums: number[], classifier: ClassifierInfo | undefined): Tensor {
  const rows = sums.length;
  const classes = classifier?.classes.length ?? 0;
  const classOf = (sum: number) => Math.floor(Math.abs(sum)) % classes;
  if (classifier && spec.name === classifier.probabilityOutput) {
    const data = new Float32Array(rows * classes);
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < classes; column++)
        data[row * classes + column] = classes === 1 ? 1 : column === classOf(sums[row]!) ? 0.75 : 0.25 / (classes - 1);
    }
    return { name: spec.name, datatype: spec.datatype, shape: [rows, classes], data };
  }
  const shape = [rows, ...spec.shape.slice(1).map((dim) => (dim < 0 ? 1 : dim))];
  const width = elementCount(shape.slice(1));
  const value = (row: number) =>
    classifier && spec.name === classifier.labelOutput ? classifier.classes[classOf(sums[row]!)]! : sums[row]!;
  return { name: spec.name, datatype: spec.datatype, shape, data: filled(spec, rows, width, value) };
}

function filled(spec: TensorSpec, rows: number, width: number, value: (row: number) => number | string): TensorData {
  const data = allocate(spec.datatype, rows * width);
  for (let i = 0; i < data.length; i++) {
    const raw = value(Math.floor(i / width));
    if (Array.isArray(data)) data[i] = String(raw);
    else if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[i] = BigInt(Math.round(Number(raw)));
    else if (spec.datatype === 'BOOL') data[i] = Number(raw) > 0 ? 1 : 0;
    else (data as Float64Array)[i] = spec.datatype.startsWith('FP') ? Number(raw) : Math.round(Number(raw));
  }
  return data;
}
