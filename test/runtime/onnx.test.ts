import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { defaults } from '../../src/core/defaults.js';
import type { ModelMetadata } from '../../src/core/inference.js';
import { v2Codec } from '../../src/protocol/v2-codec.js';
import { createOnnxRuntime } from '../../src/runtime/onnx.js';
import { ortThread } from '../../src/runtime/ort-thread.js';
import { decodeWith } from '../helpers/codec.js';
import { fixtureNames, loadCase } from '../helpers/server.js';

describe('onnxruntime session options', () => {
  it('intra-op threads wait without spinning, so they leave the other core to HTTP', async () => {
    // Every call inline: on a loaded machine a preempted call can look long enough for the
    // onnxruntime thread, whose start-up would then be counted here as if it were spinning.
    const runtime = createOnnxRuntime(
      { path: 'examples/iris/model.onnx', name: 'iris', version: '1' },
      { intraOpThreads: 2, threadAboveMicros: Number.MAX_SAFE_INTEGER },
    );
    await runtime.load();
    const row = {
      inputs: [
        {
          name: 'float_input',
          datatype: 'FP32' as const,
          shape: [1, 4],
          data: Float32Array.from([5.1, 3.5, 1.4, 0.2]),
        },
      ],
    };
    for (let i = 0; i < 50; i++) await runtime.infer(row);
    // onnxruntime's default (allow_spinning=1) keeps its pool thread busy between calls: on two
    // cores this loop then used 2.0 cores for every core of wall time; without spinning, 1.25.
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    while (performance.now() - started < 500) await runtime.infer(row);
    const cpu = process.cpuUsage(cpuBefore);
    const coresUsed = (cpu.user + cpu.system) / 1000 / (performance.now() - started);
    await runtime.unload();
    assert.ok(coresUsed < 1.6, `the process used ${coresUsed.toFixed(2)} cores while one thread called the model`);
  });
});

const irisSource = { path: 'examples/iris/model.onnx', name: 'iris', version: '1' };
const forestSource = { path: 'test/fixtures/models/bench-forest/model.onnx', name: 'bench-forest', version: '1' };

function caseRequest(name: string, metadata: ModelMetadata) {
  const { inputs } = loadCase(name);
  return decodeWith(
    v2Codec,
    { json: { inputs: Object.entries(inputs).map(([input, tensor]) => ({ name: input, ...tensor })) } },
    metadata,
  ).request;
}

const irisRow = {
  inputs: [
    { name: 'float_input', datatype: 'FP32' as const, shape: [1, 4], data: Float32Array.from([5.1, 3.5, 1.4, 0.2]) },
  ],
};

function forestRows(rows: number) {
  return {
    inputs: [
      {
        name: 'float_input',
        datatype: 'FP32' as const,
        shape: [rows, 50],
        data: Float32Array.from({ length: rows * 50 }, (_, i) => Math.sin(i)),
      },
    ],
  };
}

describe('the onnxruntime thread', () => {
  it('gives results bit-identical to the main thread, for every fixture model', async () => {
    for (const name of fixtureNames().filter((fixture) => fixture !== 'bad-sequence-output')) {
      const source = { path: `test/fixtures/models/${name}/model.onnx`, name, version: '1' };
      const inline = createOnnxRuntime(source, { threadAboveMicros: Number.MAX_SAFE_INTEGER });
      const threaded = createOnnxRuntime(source, { threadAboveMicros: 0 });
      await Promise.all([inline.load(), threaded.load()]);
      const request = caseRequest(name, inline.metadata());
      const [expected, actual] = await Promise.all([inline.infer(request), threaded.infer(request)]);
      assert.deepStrictEqual(actual, expected, name);
      await Promise.all([inline.unload(), threaded.unload()]);
    }
  });

  it('keeps the event loop turning while a long call computes', async () => {
    const runtime = createOnnxRuntime(forestSource, {});
    await runtime.load();
    // The first run is not timed (it pays onnxruntime's lazy initialisation); the second is, and
    // from it 20,000 rows are guessed to take far over 64 × 250 µs, so they go to the thread at once.
    for (let i = 0; i < 2; i++) await runtime.infer(forestRows(1));
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 1);
    const started = performance.now();
    const { outputs } = await runtime.infer(forestRows(20_000));
    const elapsedMs = performance.now() - started;
    clearInterval(ticker);
    await runtime.unload();
    assert.equal(outputs[0]!.shape[0], 20_000);
    // Inline, onnxruntime-node computes synchronously: no timer can fire until the call returns.
    assert.ok(elapsedMs > 20, `the call took ${elapsedMs.toFixed(1)} ms, too short to show anything`);
    assert.ok(ticks >= 5, `a 1 ms timer fired ${ticks} times during a ${elapsedMs.toFixed(1)} ms call`);
  });

  it('holds a model file over inlineModelMaxBytes once, on the thread, and a smaller one on both sides', async () => {
    const placements = async (settings: Partial<typeof defaults.onnx>) => {
      const seen: string[] = [];
      const runtime = createOnnxRuntime(
        forestSource,
        { threadAboveMicros: Number.MAX_SAFE_INTEGER, ...settings },
        { observeCall: (thread) => seen.push(thread) },
      );
      await runtime.load();
      assert.equal(runtime.metadata().inputs[0]!.name, 'float_input');
      for (let i = 0; i < 3; i++) await runtime.infer(forestRows(1));
      await runtime.unload();
      return seen;
    };
    assert.deepEqual(await placements({}), ['main', 'main', 'main']);
    // With the bench forest's 8.5 MB file over the limit, even its short calls run on the thread.
    assert.deepEqual(await placements({ inlineModelMaxBytes: 1024 * 1024 }), [
      'onnxruntime',
      'onnxruntime',
      'onnxruntime',
    ]);
  });

  it('starts the thread session for a long call only when other requests are in flight', async () => {
    // Every call long, and short enough to run inline while the thread's session is being made.
    const placement = { inline: (_rows: number, threadStarting = false) => threadStarting, record: () => undefined };
    const calls = async (othersInFlight: boolean) => {
      const seen: string[] = [];
      const runtime = createOnnxRuntime(
        irisSource,
        {},
        { placement, othersInFlight: () => othersInFlight, observeCall: (thread) => seen.push(thread) },
      );
      await runtime.load();
      seen.length = 0; // the warm-up
      // With others in flight the thread's session is made in the background, and calls go there
      // once it is; alone, 40 calls over a second (the thread starts in well under that) stay inline.
      for (let i = 0; i < (othersInFlight ? 400 : 40) && !seen.includes('onnxruntime'); i++) {
        await runtime.infer(irisRow);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await runtime.unload();
      return seen;
    };
    const alone = await calls(false);
    assert.equal(alone.length, 40);
    assert.ok(
      alone.every((thread) => thread === 'main'),
      'a call made alone started the thread',
    );
    assert.equal((await calls(true)).at(-1), 'onnxruntime');
  });

  it("makes a model's thread session again after the thread stops", async () => {
    for (const [source, request] of [
      [irisSource, irisRow],
      [forestSource, forestRows(2)],
    ] as const) {
      // Both read their file again: iris has a main-thread twin, the forest (over the limit) has none.
      const runtime = createOnnxRuntime(source, { threadAboveMicros: 0, inlineModelMaxBytes: 1024 * 1024 });
      await runtime.load();
      const before = await runtime.infer(request);
      await ortThread().stop();
      assert.deepStrictEqual(await runtime.infer(request), before, source.name);
      await ortThread().stop();
      await runtime.unload(); // releasing on a stopped thread resolves at once
    }
  });

  it("rejects a call onnxruntime refuses with onnxruntime's own message, as inline", async () => {
    const bad = {
      inputs: [{ name: 'float_input', datatype: 'FP32' as const, shape: [1, 3], data: Float32Array.from([1, 2, 3]) }],
    };
    const messages = [];
    for (const threadAboveMicros of [Number.MAX_SAFE_INTEGER, 0]) {
      const runtime = createOnnxRuntime(irisSource, { threadAboveMicros });
      await runtime.load();
      messages.push(
        await runtime.infer(bad).then(
          () => 'resolved',
          (error: Error) => error.message,
        ),
      );
      // The session survives a refused call.
      assert.equal(
        (
          await runtime.infer({
            inputs: [{ ...bad.inputs[0]!, shape: [1, 4], data: Float32Array.from([5.1, 3.5, 1.4, 0.2]) }],
          })
        ).outputs.length,
        2,
      );
      await runtime.unload();
    }
    assert.match(messages[0]!, /dimensions/i);
    assert.equal(messages[1], messages[0]);
  });
});
