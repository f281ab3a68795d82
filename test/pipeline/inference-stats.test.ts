import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaults } from '../../src/core/defaults.js';
import { createBatcher } from '../../src/pipeline/batcher.js';
import { InferenceStats } from '../../src/pipeline/inference-stats.js';
import { createOnnxRuntime } from '../../src/runtime/onnx.js';
import type { InferenceRequest } from '../../src/core/inference.js';

const rows = (count: number): InferenceRequest => ({
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: [count, 4], data: new Float32Array(count * 4).fill(1) }],
});

/** The statistics extension's counters, fed by the batcher the way a served model feeds them. */
describe('inference statistics', () => {
  it('counts queue waits per request and one execution per model call, by batch size', async () => {
    const inner = createOnnxRuntime({ path: 'examples/iris/model.onnx', name: 'iris', version: '1' }, defaults.onnx);
    await inner.load();
    const stats = new InferenceStats();
    const batcher = createBatcher(
      inner,
      { ...defaults.batching },
      { queued: (seconds) => stats.queued(seconds), executed: (...call) => stats.executed(...call) },
    );
    await Promise.all([batcher.infer(rows(1)), batcher.infer(rows(2)), batcher.infer(rows(3))]);
    await batcher.infer(rows(1));
    assert.equal(stats.queue.count, 4);
    assert.equal(stats.executionCount, 2, 'three requests merged into one call, then one alone');
    assert.deepEqual([...stats.batches.keys()].sort(), [1, 6]);
    assert.equal(stats.batches.get(6)!.computeInfer.count, 1);
    assert.equal(stats.computeInfer.count, 4, 'each request counts the call that served it');
    assert.ok(stats.computeInfer.ns > 0 && stats.batches.get(6)!.computeInput.ns > 0);
    await inner.unload();
  });

  it('counts rows of successful requests, failures apart, and resets', () => {
    const stats = new InferenceStats();
    stats.request(true, 64, 0.002);
    stats.request(false, 3, 0.001);
    assert.equal(stats.inferenceCount, 64);
    assert.deepEqual(stats.success, { count: 1, ns: 2e6 });
    assert.deepEqual(stats.fail, { count: 1, ns: 1e6 });
    assert.ok(stats.lastInference > 0);
    stats.reset();
    assert.equal(
      stats.inferenceCount + stats.success.count + stats.fail.count + stats.lastInference + stats.batches.size,
      0,
    );
  });
});
