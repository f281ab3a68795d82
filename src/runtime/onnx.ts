import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import './ort-telemetry.js';
import ort from 'onnxruntime-node';
import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import { datatypeFromOrt, type Datatype, type Tensor, type TensorData, type TensorSpec } from '../core/tensor.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16.js';
import { createCallPlacement, type CallPlacement } from './call-placement.js';
import { inspectOnnx, type GraphFacts } from './onnx-graph.js';
import { ortThread, type LoadedSession, type OrtThread, type WireTensor } from './ort-thread.js';
import type { ClassifierInfo, InferenceRequest, InferenceResponse, ModelMetadata } from '../core/inference.js';
import type { ModelRuntime, RuntimeSource } from './runtime.js';

/**
 * Berth's ONNX model runtime. Each model has up to two sessions: one on the main thread for short
 * calls, one on the onnxruntime thread (ort-thread.ts) for long ones, made by the first long call;
 * call-placement.ts decides. A model file over `inlineModelMaxBytes` gets the thread's only, so that
 * no large model is held twice.
 *
 * The twin is paid for in memory, and a session can be far larger than its file: the bench's
 * 8.5 MB forest takes 105 MB, twice 105 with its twin (`deploy` measures a model with both, so its
 * memory limit covers them). Holding the forest once, on the thread only, was measured against
 * this: peak RSS 217–271 MB against 320–345, but one connection's req/s fell by 28–50% (every call
 * pays the hop) and batched c64 by about 15%. The limit cannot follow the session's own size
 * either: memory one thread's session gives back is not reused by the other's (releasing the
 * forest's main-thread session gave back 15 MB; the thread's then took 121 MB).
 */

/** Where the model file is (the runtime factory's source). */
export type OnnxSource = RuntimeSource;

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

/** Told of every model call: where it ran and how long onnxruntime computed (the server's metrics). */
export type CallObserver = (thread: 'main' | 'onnxruntime', seconds: number) => void;

/**
 * Whether requests other than the one calling are being handled now (the server's admission). A
 * long call made alone holds nobody up inline, so it does not start the thread's session, a
 * second copy of the model: a server at rest that answered a few one-row calls of the bench
 * forest (each 300–500 µs with cold caches, over the threshold) held it from then on, 90 MB.
 * Without it (callers outside the server) every long call counts as holding others up.
 */
export type OthersInFlight = () => boolean;

export interface OnnxRuntimeOptions {
  observeCall?: CallObserver;
  othersInFlight?: OthersInFlight;
  /** Where calls run; default learnt from the model's calls against `threadAboveMicros`. */
  placement?: CallPlacement;
}

export function createOnnxRuntime(
  source: OnnxSource,
  onnxSettings: Partial<Settings['onnx']>,
  { observeCall, othersInFlight = () => true, placement: chosenPlacement }: OnnxRuntimeOptions = {},
): ModelRuntime {
  // Callers outside the server (the image's build check, `deploy`'s measurement) name only what they set.
  const settings = { ...defaults.onnx, ...onnxSettings };
  const options = sessionOptions(settings);
  const placement = chosenPlacement ?? createCallPlacement(settings.threadAboveMicros);
  let inline: ort.InferenceSession | undefined;
  let inlineRuns = 0;
  let threaded: Promise<ThreadSession> | undefined;
  /** `threaded` once it has resolved: until then a model with a main-thread session computes there. */
  let threadedMade: Promise<ThreadSession> | undefined;
  let meta: ModelMetadata | undefined;

  const loadOnThread = async (bytes: Uint8Array): Promise<ThreadSession> => {
    const thread = ortThread();
    const loaded = await thread.load(bytes, options);
    return { thread, loaded };
  };
  // A model with a main-thread session reads its file again when its first long call makes the
  // thread's (checked against the sha256 it loaded with), rather than hold the bytes in the
  // meantime: most models never make one, and the bench forest's would be 8.5 MB held at rest.
  const bytesForThread = async (): Promise<Uint8Array> =>
    inspectOnnx((await readModelFile({ ...source, sha256: meta!.properties.sha256 })).bytes, source.path).bytes;

  // The model's session on the thread, made at the first long call, and made again if the thread
  // it was on has stopped (ortThread() is then a new one).
  const onThread = async (): Promise<ThreadSession> => {
    if (!threaded) {
      const made = (threaded = bytesForThread().then(loadOnThread));
      made.then(
        () => {
          if (threaded === made) threadedMade = made;
        },
        () => undefined,
      );
    }
    const making = threaded;
    const placed = await making.catch((cause: unknown) => {
      if (threaded === making) threaded = undefined;
      throw cause;
    });
    if (placed.thread === ortThread()) return placed;
    if (threaded === making) threaded = undefined;
    return onThread();
  };

  const unload = async (): Promise<void> => {
    const closing = [
      inline?.release(),
      threaded?.then(
        ({ thread, loaded }) => thread.release(loaded.session),
        () => {},
      ),
    ];
    inline = undefined;
    threaded = undefined;
    await Promise.all(closing);
  };

  return {
    async load() {
      const { bytes, sha256 } = await readModelFile(source);
      const facts = inspectOnnx(bytes, source.path);
      let described: SessionMetadata;
      try {
        if (facts.bytes.byteLength <= settings.inlineModelMaxBytes) {
          inline = await ort.InferenceSession.create(facts.bytes, options);
          described = { inputs: inline.inputMetadata, outputs: inline.outputMetadata };
        } else {
          const placed = await loadOnThread(facts.bytes);
          threaded = Promise.resolve(placed);
          described = placed.loaded;
        }
      } catch (cause) {
        await unload();
        throw errors.modelInvalid(source.path, (cause as Error).message.split('\n')[0]!);
      }
      meta = describe(described, source, facts, sha256);
    },

    metadata() {
      if (!meta) throw errors.modelNotReady(source.name);
      return meta;
    },

    async infer(request: InferenceRequest): Promise<InferenceResponse> {
      if (!meta || (!inline && !threaded)) throw errors.modelNotReady(source.name);
      // No outputs named, or an empty list (`"outputs": []`), asks for all of them (OIP v2: the
      // outputs field is optional); onnxruntime refuses an empty fetch list.
      const fetches = request.outputs?.length ? request.outputs : meta.outputs.map((output) => output.name);
      const rows = request.inputs[0]?.shape[0] ?? 1;
      // Making the thread's session (a worker, onnxruntime loaded there, the model's session) takes
      // tens of ms, and a call that waited for it held up every batch behind it. So the first long
      // call starts it in the background, and until it is made only very long calls wait for it.
      const long = !placement.inline(rows);
      const threadStarting = threadedMade === undefined || threadedMade !== threaded;
      if (inline && (!long || (threadStarting && placement.inline(rows, true)))) {
        if (long && !threaded && othersInFlight()) void onThread().catch(() => undefined);
        const feeds: Record<string, ort.Tensor> = {};
        for (const input of request.inputs) feeds[input.name] = toOrtTensor(input);
        // onnxruntime-node computes in a setImmediate callback that run() queues synchronously;
        // immediates run in order, so this one marks the start of the computation itself, not of
        // the wait for the loop's check phase (under load, ms that are no model's cost).
        let started = performance.now();
        setImmediate(() => (started = performance.now()));
        const results = await inline.run(feeds, fetches);
        const micros = (performance.now() - started) * 1000;
        // A session's first run pays onnxruntime's lazy initialisation (ms), no guide to the next.
        if (inlineRuns++ > 0) placement.record(rows, micros);
        observeCall?.('main', micros / 1e6);
        request.call?.ranOn('main');
        return { outputs: fetches.map((name) => fromOrt(name, results[name]!)) };
      }
      const { thread, loaded } = await onThread();
      const { tensors, micros } = await thread.run(loaded.session, request.inputs.map(toWire), fetches);
      placement.record(rows, micros);
      observeCall?.('onnxruntime', micros / 1e6);
      request.call?.ranOn('onnxruntime');
      return { outputs: tensors.map((tensor) => fromOrt(tensor.name, tensor)) };
    },

    unload,
  };
}

async function readModelFile(source: OnnxSource): Promise<{ bytes: Uint8Array; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(source.path);
  } catch {
    throw errors.modelFileMissing(source.path);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (source.sha256 && sha256 !== source.sha256)
    throw errors.modelInvalid(
      source.path,
      `sha256 ${sha256} does not match the recorded ${source.sha256}; the file was changed or truncated`,
    );
  return { bytes, sha256 };
}

type SessionMetadata = Pick<LoadedSession, 'inputs' | 'outputs'>;

/** A model's session on the onnxruntime thread, with the thread it is on. */
interface ThreadSession {
  thread: OrtThread;
  loaded: LoadedSession;
}

function describe(session: SessionMetadata, source: OnnxSource, facts: GraphFacts, sha256: string): ModelMetadata {
  const spec = (entry: ort.InferenceSession.ValueMetadata, role: 'input' | 'output'): TensorSpec => {
    if (!entry.isTensor)
      throw role === 'output'
        ? errors.unsupportedOutput(entry.name, 'non-tensor value')
        : errors.unsupportedInput(entry.name, 'non-tensor');
    const datatype = datatypeFromOrt(entry.type);
    if (!datatype)
      throw role === 'output'
        ? errors.unsupportedOutput(entry.name, `${entry.type} tensor`)
        : errors.unsupportedInput(entry.name, entry.type);
    return {
      name: entry.name,
      datatype,
      shape: entry.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1)),
    };
  };
  const inputs = session.inputs.map((entry) => spec(entry, 'input'));
  const outputs = session.outputs.map((entry) => spec(entry, 'output'));
  return {
    name: source.name,
    version: source.version,
    platform: 'onnx_onnxv1',
    inputs,
    outputs,
    classifier: detectClassifier(outputs, facts),
    properties: {
      sha256,
      producer: [facts.producer, facts.producerVersion].filter(Boolean).join(' '),
      opset: Object.entries(facts.opsets)
        .map(([domain, version]) => `${domain}=${version}`)
        .join(','),
      ...(facts.zipmaps.length > 0 ? { zipmap: facts.zipmaps.map((zipmap) => zipmap.output).join(',') } : {}),
      ...source.properties,
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
  const labels = outputs.filter(
    (output) => output.shape.length === 1 && (output.datatype.startsWith('INT') || output.datatype === 'BYTES'),
  );
  const probabilities = outputs.filter((output) => output.shape.length === 2 && output.datatype.startsWith('FP'));
  if (zipmap && labels.length === 1)
    return { labelOutput: labels[0]!.name, probabilityOutput: zipmap.output, classes: zipmap.classes };
  if (outputs.length !== 2 || labels.length !== 1 || probabilities.length !== 1) return undefined;
  const classCount = probabilities[0]!.shape[1]!;
  if (classCount < 1) return undefined;
  return {
    labelOutput: labels[0]!.name,
    probabilityOutput: probabilities[0]!.name,
    classes: Array.from({ length: classCount }, (_, index) => index),
  };
}

const ortTypes: Record<Datatype, ort.Tensor.Type> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

function toOrtTensor(tensor: Tensor): ort.Tensor {
  const wire = toWire(tensor);
  return new ort.Tensor(wire.type as ort.Tensor.Type, wire.data as never, wire.dims);
}

function toWire(tensor: Tensor): WireTensor {
  const data = tensor.datatype === 'FP16' ? float32ToFloat16Bits(tensor.data as Float32Array) : tensor.data;
  return { name: tensor.name, type: ortTypes[tensor.datatype], data, dims: tensor.shape };
}

/** An output, from either side: an ort.Tensor inline, a WireTensor from the thread. */
function fromOrt(name: string, value: { type: string; data: unknown; dims: readonly number[] }): Tensor {
  const datatype = datatypeFromOrt(value.type);
  if (!datatype) throw errors.unsupportedOutput(name, `${value.type} tensor`);
  const data = value.data as TensorData;
  return {
    name,
    datatype,
    shape: Array.from(value.dims),
    data: datatype === 'FP16' ? float16BitsToFloat32(data as Uint16Array) : data,
  };
}
