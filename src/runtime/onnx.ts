import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { errors } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import { datatypeFromOrt, type Datatype, type Tensor, type TensorData, type TensorSpec } from '../core/tensor.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16.js';
import { inspectOnnx, type GraphFacts } from './onnx-graph.js';
import type { ClassifierInfo, InferenceRequest, InferenceResponse, ModelMetadata, ModelRuntime } from './runtime.js';

/** The only module that imports onnxruntime-node. */

export interface OnnxSource {
  path: string;
  name: string;
  version: string;
  /** Expected sha256 (hex) of the file; loading refuses a file that does not match. */
  sha256?: string;
}

/** The onnxruntime session options for Berth's settings (the bench's in-process ceiling uses them too). */
export function sessionOptions(options: Settings['onnx']): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: options.interOpThreads,
    // Values checked against the same list in settings.ts.
    graphOptimizationLevel: options.graphOptimization as 'disabled' | 'basic' | 'extended' | 'all',
    executionMode: 'sequential',
    // onnxruntime's intra-op threads spin while they wait for work by default, burning the core
    // that the HTTP main thread (or another worker) needs. Measured with --intra-op-threads 2 on
    // 2 cores: spinning cost 23–38% of /predict req/s at 64 connections; without it, 1000-row
    // requests gained about 20% and small ones lost nothing measurable (README). With one
    // intra-op thread (the default) none spins.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

export function createOnnxRuntime(source: OnnxSource, options: Settings['onnx']): ModelRuntime {
  let session: ort.InferenceSession | undefined;
  let meta: ModelMetadata | undefined;

  return {
    async load() {
      const bytes = await readModelFile(source);
      const facts = inspectOnnx(bytes, source.path);
      try {
        session = await ort.InferenceSession.create(facts.bytes, sessionOptions(options));
      } catch (cause) {
        throw errors.modelInvalid(source.path, (cause as Error).message.split('\n')[0]!);
      }
      meta = describe(session, source, facts, bytes);
    },

    metadata() {
      if (!meta) throw errors.modelNotReady(source.name);
      return meta;
    },

    async infer(request: InferenceRequest): Promise<InferenceResponse> {
      if (!session || !meta) throw errors.modelNotReady(source.name);
      const feeds: Record<string, ort.Tensor> = {};
      for (const input of request.inputs) feeds[input.name] = toOrtTensor(input);
      const fetches = request.outputs ?? meta.outputs.map((output) => output.name);
      const results = await session.run(feeds, fetches);
      return { outputs: fetches.map((name) => fromOrtTensor(name, results[name]!)) };
    },

    async unload() {
      const closing = session;
      session = undefined;
      await closing?.release();
    },
  };
}

async function readModelFile(source: OnnxSource): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(source.path);
  } catch {
    throw errors.modelFileMissing(source.path);
  }
  if (source.sha256) {
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== source.sha256) throw errors.modelInvalid(source.path, `sha256 ${actual} does not match the recorded ${source.sha256}; the file was changed or truncated`);
  }
  return bytes;
}

function describe(session: ort.InferenceSession, source: OnnxSource, facts: GraphFacts, original: Uint8Array): ModelMetadata {
  const spec = (entry: ort.InferenceSession.ValueMetadata, role: 'input' | 'output'): TensorSpec => {
    if (!entry.isTensor) throw role === 'output' ? errors.unsupportedOutput(entry.name, 'non-tensor value') : errors.unsupportedInput(entry.name, 'non-tensor');
    const datatype = datatypeFromOrt(entry.type);
    if (!datatype) throw role === 'output' ? errors.unsupportedOutput(entry.name, `${entry.type} tensor`) : errors.unsupportedInput(entry.name, entry.type);
    return { name: entry.name, datatype, shape: entry.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1)) };
  };
  const inputs = session.inputMetadata.map((entry) => spec(entry, 'input'));
  const outputs = session.outputMetadata.map((entry) => spec(entry, 'output'));
  return {
    name: source.name,
    version: source.version,
    platform: 'onnx_onnxv1',
    inputs,
    outputs,
    classifier: detectClassifier(outputs, facts),
    properties: {
      sha256: createHash('sha256').update(original).digest('hex'),
      producer: [facts.producer, facts.producerVersion].filter(Boolean).join(' '),
      opset: Object.entries(facts.opsets).map(([domain, version]) => `${domain}=${version}`).join(','),
      ...(facts.zipmaps.length > 0 ? { zipmap: facts.zipmaps.map((zipmap) => zipmap.output).join(',') } : {}),
    },
  };
}

/**
 * A classifier is a model with one label output (1-D integers or strings) and one probability
 * output ([N, classes] floats). skl2onnx tells us the labels through ZipMap; onnxmltools (XGBoost,
 * LightGBM with zipmap=False) and skl2onnx with zipmap=False use column index order.
 */
function detectClassifier(outputs: TensorSpec[], facts: GraphFacts): ClassifierInfo | undefined {
  const zipmap = facts.zipmaps[0];
  const labels = outputs.filter((output) => output.shape.length === 1 && (output.datatype.startsWith('INT') || output.datatype === 'BYTES'));
  const probabilities = outputs.filter((output) => output.shape.length === 2 && output.datatype.startsWith('FP'));
  if (zipmap && labels.length === 1) return { labelOutput: labels[0]!.name, probabilityOutput: zipmap.output, classes: zipmap.classes };
  if (outputs.length !== 2 || labels.length !== 1 || probabilities.length !== 1) return undefined;
  const classCount = probabilities[0]!.shape[1]!;
  if (classCount < 1) return undefined;
  return { labelOutput: labels[0]!.name, probabilityOutput: probabilities[0]!.name, classes: Array.from({ length: classCount }, (_, index) => index) };
}

const ortTypes: Record<Datatype, ort.Tensor.Type> = {
  BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64', INT8: 'int8', INT16: 'int16',
  INT32: 'int32', INT64: 'int64', FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
};

function toOrtTensor(tensor: Tensor): ort.Tensor {
  const data = tensor.datatype === 'FP16' ? float32ToFloat16Bits(tensor.data as Float32Array) : tensor.data;
  return new ort.Tensor(ortTypes[tensor.datatype], data as never, tensor.shape);
}

function fromOrtTensor(name: string, value: ort.Tensor): Tensor {
  const datatype = datatypeFromOrt(value.type);
  if (!datatype) throw errors.unsupportedOutput(name, `${value.type} tensor`);
  let data = value.data as TensorData;
  if (datatype === 'FP16') data = float16BitsToFloat32(value.data as Uint16Array);
  return { name, datatype, shape: Array.from(value.dims), data };
}

