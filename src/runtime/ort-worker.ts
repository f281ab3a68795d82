import { parentPort } from 'node:worker_threads';
import './ort-telemetry.js';
import ort from 'onnxruntime-node';
import type { OrtCall, OrtReply, WireTensor } from './ort-thread.js';

/**
 * The onnxruntime thread: runs the sessions of long model calls (call-placement.ts), one call at a
 * time, in message order. onnxruntime-node's `run` is synchronous under its Promise (it defers the
 * call with setImmediate, then computes on the calling thread), so on the main thread a long call
 * stopped all HTTP work for its duration. Here the main thread parses, validates and answers while
 * this thread computes. With onnx.ts, the only modules that import onnxruntime-node.
 */
const sessions = new Map<number, ort.InferenceSession>();
let nextSession = 1;

parentPort!.on('message', (call: OrtCall) => {
  void handle(call).then(
    (reply) => parentPort!.postMessage(reply, transferablesOf(reply)),
    (cause: unknown) =>
      parentPort!.postMessage({ id: call.id, error: (cause as Error)?.message ?? String(cause) } satisfies OrtReply),
  );
});

async function handle(call: OrtCall): Promise<OrtReply> {
  switch (call.kind) {
    case 'load': {
      const session = await ort.InferenceSession.create(call.bytes, call.options);
      const id = nextSession++;
      sessions.set(id, session);
      return { id: call.id, session: id, inputs: session.inputMetadata, outputs: session.outputMetadata };
    }
    case 'run': {
      const session = sessions.get(call.session);
      if (!session) throw new Error(`session ${call.session} was released`);
      const feeds: Record<string, ort.Tensor> = {};
      for (const input of call.inputs)
        feeds[input.name] = new ort.Tensor(input.type as ort.Tensor.Type, input.data as never, input.dims);
      const started = performance.now();
      const results = await session.run(feeds, call.fetches);
      const micros = (performance.now() - started) * 1000;
      return { id: call.id, tensors: call.fetches.map((name) => wire(name, results[name]!)), micros };
    }
    case 'release': {
      const session = sessions.get(call.session);
      sessions.delete(call.session);
      await session?.release();
      return { id: call.id };
    }
  }
}

function wire(name: string, tensor: ort.Tensor): WireTensor {
  return { name, type: tensor.type, data: tensor.data as WireTensor['data'], dims: Array.from(tensor.dims) };
}

/** Output buffers are this thread's own, fresh per call: moved to the main thread, not copied. */
function transferablesOf(reply: OrtReply): ArrayBuffer[] {
  if (!('tensors' in reply)) return [];
  return [
    ...new Set(
      reply.tensors.flatMap((tensor) => (ArrayBuffer.isView(tensor.data) ? [tensor.data.buffer as ArrayBuffer] : [])),
    ),
  ];
}
