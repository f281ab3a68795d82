import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyRecorder } from '../../src/plan/latency-stats.js';

test('percentiles are nearest-rank over every sample, p99.9 included', () => {
  const recorder = new LatencyRecorder();
  // 1..10000 ms in a shuffled order: the k-th smallest is k.
  for (let i = 0; i < 10_000; i++) recorder.add(((i * 7919) % 10_000) + 1);
  assert.deepEqual(recorder.summary(), { p50: 5000, p90: 9000, p99: 9900, p999: 9990, max: 10_000, mean: 5000.5 });
});

test('one slow response in a thousand shows in p99.9 and max, not in p99', () => {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < 999; i++) recorder.add(2);
  recorder.add(180);
  const { p99, p999, max } = recorder.summary();
  assert.equal(p99, 2);
  assert.equal(p999, 2);
  assert.equal(max, 180);
  recorder.add(170);
  assert.equal(recorder.summary().p999, 170);
});

test('an empty recording summarises to zeros', () => {
  assert.deepEqual(new LatencyRecorder().summary(), { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
});
