import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Settings } from '../../src/core/config.js';
import { defaults } from '../../src/core/defaults.js';
import type { InferenceEvent } from '../../src/core/inference.js';
import { createLogger } from '../../src/observe/logger.js';
import { createMetrics } from '../../src/observe/metrics.js';
import { seedCodec } from '../../src/protocol/seed-codec.js';
import { fakeRuntimes, irisSignature } from '../../src/runtime/fake.js';
import { internalContext } from '../../src/serving/request-context.js';
import { createServingCore } from '../../src/serving/serving-core.js';

/**
 * A served fake classifier of one feature and three classes (each row answers 4 values: its label and
 * probabilities) whose requests and replies may hold at most `maxValues` values, and every inference
 * event it reports.
 */
async function servedIris(maxValues: number) {
  const settings = { ...defaults, limits: { ...defaults.limits, maxValues } } as Settings;
  const { dataplane, manager } = createServingCore({
    settings,
    runtimes: fakeRuntimes(() => ({ ...irisSignature, inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }] })),
    metrics: createMetrics({ processMetrics: false }),
    logger: createLogger('silent'),
  });
  await manager.loadFile('iris.onnx', { name: 'iris' });
  const events: InferenceEvent[] = [];
  dataplane.observe((event) => events.push(event));
  const stats = dataplane.models.model('iris').versions.get('1')!.stats;
  const predict = (rows: number[][], id: string) =>
    dataplane.infer('iris', undefined, seedCodec, { instances: rows }, internalContext(id));
  return { predict, events, stats };
}

describe('the data plane reports each inference once', () => {
  it('an answered one with its rows, answer and request id, counted as a success', async () => {
    const { predict, events, stats } = await servedIris(defaults.limits.maxValues);
    const reply = await predict([[1], [5]], 'request-1');
    assert.deepEqual((reply as { predictions: unknown[] }).predictions, [1, 2]);
    assert.equal(events.length, 1);
    const [event] = events as [InferenceEvent];
    assert.deepEqual([event.model, event.version, event.rows, event.requestId], ['iris', '1', 2, 'request-1']);
    assert.ok(event.response && event.error === undefined && event.seconds >= 0);
    assert.deepEqual([stats.success.count, stats.fail.count, stats.inferenceCount], [1, 0, 2]);
  });

  it('one whose reply is over the limit as a failure, and the caller gets the limit error', async () => {
    // Two rows: 2 values in, 2 labels and 6 probabilities out.
    const { predict, events, stats } = await servedIris(7);
    await assert.rejects(predict([[1], [5]], 'request-2'), { code: 'BERTH_REPLY_TOO_LARGE' });
    assert.equal(events.length, 1);
    assert.equal((events[0]!.error as { code?: string }).code, 'BERTH_REPLY_TOO_LARGE');
    assert.equal(events[0]!.response, undefined);
    assert.deepEqual([stats.success.count, stats.fail.count], [0, 1]);
  });
});
