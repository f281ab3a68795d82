import { Worker } from 'node:worker_threads';
import type ort from 'onnxruntime-node';
import type { TensorData } from '../core/tensor.js';

/** A tensor as it crosses between threads: onnxruntime's type name, its data, its dims. */
export interface WireTensor {
  name: string;
  type: string;
  data: TensorData;
  dims: number[];
}

export type OrtCall =
  | { id: number; kind: 'load'; bytes: Uint8Array; options: ort.InferenceSession.SessionOptions }
  | { id: number; kind: 'run'; session: number; inputs: WireTensor[]; fetches: string[] }
  | { id: number; kind: 'release'; session: number };

type Unnumbered<Call> = Call extends unknown ? Omit<Call, 'id'> : never;

export interface LoadedSession {
  session: number;
  inputs: readonly ort.InferenceSession.ValueMetadata[];
  outputs: readonly ort.InferenceSession.ValueMetadata[];
}

export interface RunResult {
  tensors: WireTensor[];
  /** Time inside onnxruntime's run on the thread, for call-placement.ts. */
  micros: number;
}

export type OrtReply = { id: number } & ({ error: string } | LoadedSession | RunResult | Record<never, never>);

/** The main thread's handle on the onnxruntime thread (ort-worker.ts). */
export interface OrtThread {
  /** Takes `bytes` over: their buffer is moved to the thread, not copied. */
  load(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<LoadedSession>;
  /** Sends copies of the inputs: callers keep theirs (the payload log and drift read them after). */
  run(session: number, inputs: WireTensor[], fetches: string[]): Promise<RunResult>;
  /** Resolves at once on a stopped thread: its sessions went with it. */
  release(session: number): Promise<void>;
  /** Ends the thread now and fails its calls out; `ortThread()` then starts a new one. Tests use
   * it to stand for a thread that died. */
  stop(): Promise<void>;
}

// Beside this module in tsc's output and in the bundle (its own entry point, scripts/bundle.mjs).
// A source checkout runs through tsx (the tests); Node 20 does not run `--import` preloads in
// worker threads, so there the thread registers tsx itself before it loads the .ts module.
const fromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(fromSource ? './ort-worker.ts' : './ort-worker.js', import.meta.url);

// No flags of the process's: a worker inherits them, and some stop it from starting (`deploy`'s
// measurement runs its child with `--input-type=module -e`; a worker with that flag refuses to run
// a file). Those that matter here (V8's heap sizes) are the process's anyway.
function spawnWorker(): Worker {
  if (!fromSource) return new Worker(workerUrl, { execArgv: [] });
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then(({ register }) => (register(), import(${JSON.stringify(workerUrl.href)})))`,
    { eval: true, execArgv: [] },
  );
}

let current: OrtThread | undefined;

/** One onnxruntime thread per process: started by the first load, stopped after the last release. */
export function ortThread(): OrtThread {
  return (current ??= startThread());
}

function startThread(): OrtThread {
  const worker = spawnWorker();
  const pending = new Map<number, { resolve: (reply: OrtReply) => void; reject: (cause: Error) => void }>();
  let nextCall = 1;
  let sessions = 0;
  let stopped: Error | undefined;
  // The thread keeps the process alive only while a call is out: an idle server is kept alive by
  // its sockets, and a finished CLI command must be able to exit.
  worker.unref();

  worker.on('message', (reply: OrtReply) => {
    const call = pending.get(reply.id)!;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if ('error' in reply) call.reject(new Error(reply.error));
    else call.resolve(reply);
  });
  const fail = (cause: Error) => {
    stopped ??= cause;
    if (current === self) current = undefined;
    for (const call of pending.values()) call.reject(cause);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the onnxruntime thread stopped (exit code ${code})`)));

  const call = <T extends OrtReply>(message: Unnumbered<OrtCall>, transfer: ArrayBuffer[] = []) =>
    new Promise<T>((resolve, reject) => {
      if (stopped) return reject(stopped);
      const id = nextCall++;
      pending.set(id, { resolve: resolve as (reply: OrtReply) => void, reject });
      if (pending.size === 1) worker.ref();
      worker.postMessage({ ...message, id }, transfer);
    });

  // Stopped only with no session and no call out: terminating a thread while onnxruntime creates a
  // session there aborts the whole process (an uncaught Napi::Error in a finalizer; seen when one
  // model version released the last session while the next version was loading).
  const stopIfIdle = () => {
    if (sessions > 0 || pending.size > 0 || current !== self) return;
    current = undefined;
    void worker.terminate();
  };

  const self: OrtThread = {
    async load(bytes, options) {
      // A view into a larger buffer is copied (new Uint8Array copies; a Buffer's slice would not, and
      // moving its buffer would take the rest away from its owner).
      const owned =
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
      sessions += 1; // from the start, so that a release meanwhile does not stop the thread under this load
      try {
        return await call<OrtReply & LoadedSession>({ kind: 'load', bytes: owned, options }, [
          owned.buffer as ArrayBuffer,
        ]);
      } catch (cause) {
        sessions -= 1;
        stopIfIdle();
        throw cause;
      }
    },
    async run(session, inputs, fetches) {
      const copies = inputs.map((input) => ({ ...input, data: input.data.slice() as TensorData }));
      const transfer = copies.flatMap((input) =>
        ArrayBuffer.isView(input.data) ? [input.data.buffer as ArrayBuffer] : [],
      );
      return call<OrtReply & RunResult>({ kind: 'run', session, inputs: copies, fetches }, transfer);
    },
    async release(session) {
      if (stopped) return;
      await call({ kind: 'release', session });
      sessions -= 1;
      stopIfIdle();
    },
    async stop() {
      fail(new Error('the onnxruntime thread was stopped'));
      await worker.terminate();
    },
  };
  return self;
}
