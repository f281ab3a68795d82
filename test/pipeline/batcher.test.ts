import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBatcher } from '../../src/pipeline/batcher.js';
import { createFakeRuntime, irisSignature } from '../../src/runtime/fake.js';
import { createOnnxRuntime } from '../../src/runtime/onnx.js';
import { defaults } from '../../src/core/defaults.js';
import type { InferenceRequest } from '../../src/core/inference.js';
import type { ModelRuntime } from '../../src/runtime/runtime.js';

const row = (values: number[]): InferenceRequest => ({
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4], data: Float32Array.from(values) }],
});

async function irisRuntime(): Promise<ModelRuntime> {
  const runtime = createOnnxRuntime({ path: 'examples/iris/model.onnx', name: 'iris', version: '1' }, defaults.onnx);
  await runtime.load();
  return runtime;
}

/** Counts the calls reaching the wrapped runtime. */
function counting(inner: ModelRuntime) {
  const calls: number[] = [];
  const runtime: ModelRuntime = {
    ...inner,
    infer: (request) => (calls.push(request.inputs[0]!.shape[0]!), inner.infer(request)),
  };
  return { runtime, calls };
}

describe('adaptive batcher', () => {
  it('stacks requests that arrive together into one call and splits the answers back exactly', async () => {
    const inner = await irisRuntime();
    const { runtime, calls } = counting(inner);
    const batcher = createBatcher(runtime, { ...defaults.batching });
    const rows = Array.from({ length: 40 }, (_, index) => [
      4 + (index % 4),
      2 + (index % 3) * 0.5,
      1 + (index % 6),
      0.1 + (index % 5) * 0.5,
    ]);
    const batched = await Promise.all(rows.map((values) => batcher.infer(row(values))));
    assert.deepEqual(calls, [40], 'one model call for 40 concurrent requests');
    for (const [index, values] of rows.entries()) {
      const alone = await inner.infer(row(values));
      assert.deepEqual(batched[index]!.outputs, alone.outputs, `row ${index} is bit-identical to an unbatched run`);
    }
  });

  it('adds no wait for a lone request and respects maxBatchSize', async () => {
    const { runtime, calls } = counting(await irisRuntime());
    const batcher = createBatcher(runtime, { ...defaults.batching, maxBatchSize: 8 });
    await batcher.infer(row([5, 3, 1, 0.2]));
    assert.deepEqual(calls, [1]);
    calls.length = 0;
    await Promise.all(Array.from({ length: 20 }, () => batcher.infer(row([5, 3, 1, 0.2]))));
    assert.ok(
      calls.every((size) => size <= 8),
      `calls ${calls}`,
    );
    assert.equal(
      calls.reduce((sum, size) => sum + size, 0),
      20,
    );
  });

  it('sends a backlog beyond maxBatchSize as several calls in one round, not one call per event-loop turn', async () => {
    const inner = await irisRuntime();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    let third!: () => void;
    const thirdStarted = new Promise<void>((resolve) => (third = resolve));
    const gated: ModelRuntime = {
      ...inner,
      infer: async (request) => (
        started.push(request.inputs[0]!.shape[0]!),
        started.length === 3 && third(),
        await gate,
        inner.infer(request)
      ),
    };
    const batcher = createBatcher(gated, { ...defaults.batching, maxBatchSize: 8 });
    const answers = Promise.all(Array.from({ length: 20 }, () => batcher.infer(row([5, 3, 1, 0.2]))));
    await thirdStarted;
    assert.deepEqual(started, [8, 8, 4], 'all three calls started before any finished');
    release();
    assert.equal((await answers).length, 20);
  });

  it('never fails a request because a neighbour in its batch failed', async () => {
    const inner = await irisRuntime();
    const poisoned: ModelRuntime = {
      ...inner,
      async infer(request) {
        const data = request.inputs[0]!.data as Float32Array;
        if (data.some((value) => value === 666)) throw new Error('model rejected a row');
        return inner.infer(request);
      },
    };
    const batcher = createBatcher(poisoned, { ...defaults.batching });
    const results = await Promise.allSettled([
      batcher.infer(row([5, 3, 1, 0.2])),
      batcher.infer(row([666, 3, 1, 0.2])),
      batcher.infer(row([6, 3, 5, 2])),
    ]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
  });

  it('sheds with 429 and Retry-After when the queue is full', async () => {
    const batcher = createBatcher(await irisRuntime(), { ...defaults.batching, maxQueue: 5 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => batcher.infer(row([5, 3, 1, 0.2]))));
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    assert.equal(rejected.length, 3);
    for (const { reason } of rejected) {
      assert.equal(reason.status, 429);
      assert.equal(reason.headers['retry-after'], '1');
      assert.match(reason.message, /overloaded/);
    }
  });

  it("answers 504 as soon as a queued request's deadline passes, without waiting for the call in front", async () => {
    const inner = await irisRuntime();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const slow: ModelRuntime = { ...inner, infer: async (request) => (entered(), await gate, inner.infer(request)) };
    const batcher = createBatcher(slow, { ...defaults.batching, maxBatchSize: 1 });
    const first = batcher.infer(row([5, 3, 1, 0.2]));
    await inside; // the first call is running now; the next request queues behind it
    await assert.rejects(
      batcher.infer({ ...row([5, 3, 1, 0.2]), deadline: Date.now() + 20 }),
      (error: { status: number }) => error.status === 504,
    );
    // answered while the model call in front of it still runs
    release();
    await first;
  });

  it('waits up to maxQueueDelayMicros for neighbours that arrive in later turns', async () => {
    const fake = createFakeRuntime({ name: 'iris', version: '1', ...irisSignature });
    await fake.load();
    const batcher = createBatcher(fake, { ...defaults.batching, maxQueueDelayMicros: 200_000 });
    const answers = [batcher.infer(row([5, 3, 1, 0.2]))];
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setImmediate(resolve)); // a later event-loop turn: opportunistic batching would have sent the first alone
      answers.push(batcher.infer(row([6, 3, 5, 2])));
    }
    await Promise.all(answers);
    assert.deepEqual(fake.calls, [3], 'one call for three requests spread over three turns');
  });

  it(
    'sends at once, without waiting out the delay, when the queue holds maxBatchSize rows',
    { timeout: 10_000 },
    async () => {
      const fake = createFakeRuntime({ name: 'iris', version: '1', ...irisSignature });
      await fake.load();
      const batcher = createBatcher(fake, { ...defaults.batching, maxBatchSize: 2, maxQueueDelayMicros: 60_000_000 });
      const first = batcher.infer(row([5, 3, 1, 0.2]));
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all([first, batcher.infer(row([6, 3, 5, 2]))]);
      assert.deepEqual(fake.calls, [2], 'two rows fill the batch: no minute-long wait');
    },
  );

  it('unloads once the requests it holds are answered, and takes no new ones meanwhile', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const fake = createFakeRuntime({ name: 'iris', version: '1', ...irisSignature, hold: () => (entered(), held) });
    await fake.load();
    const batcher = createBatcher(fake, { ...defaults.batching, maxBatchSize: 1 });
    const running = batcher.infer(row([5, 3, 1, 0.2]));
    await inside;
    const queued = batcher.infer(row([6, 3, 5, 2]));
    let unloaded = false;
    const unloading = batcher.unload().then(() => (unloaded = true));
    await assert.rejects(batcher.infer(row([1, 1, 1, 1])), /not ready/, 'a request after unload began is refused');
    assert.equal(unloaded, false, 'still holding two requests');
    release();
    await Promise.all([running, queued, unloading]);
    assert.equal(unloaded, true);
    assert.throws(() => fake.metadata(), /not ready/, 'the model was released after them');
  });
});
