import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLoadTest, share } from '../../src/plan/load-test.js';
import { runBench } from '../../src/plan/bench.js';
import { formatBench } from '../../src/plan/bench-text.js';
import { startTestServer } from './test-server.js';

// Real sockets against a local node:http server. Counts and structure only: no assertion on speed.
// Runs stop after a number of requests, not a time, so a slow or busy machine makes them last
// longer instead of measuring nothing.

test('fixed concurrency: counts, status codes and ordered percentiles', async () => {
  const server = await startTestServer();
  try {
    const progress: number[] = [];
    const result = await runLoadTest({
      url: `${server.url}/predict`,
      body: '{"features":[0,0,0,0]}',
      connections: 4,
      requests: 40,
      onProgress: (p) => progress.push(p.completed),
    });
    assert.equal(result.mode, 'fixed-concurrency');
    assert.equal(result.method, 'POST');
    assert.equal(result.requests.completed, 40);
    assert.ok(result.requests.perSecond > 0);
    assert.deepEqual(result.statusCodes, { 200: 40 });
    assert.equal(result.errors + result.non2xx + result.timeouts, 0);
    const { p50, p90, p99, max } = result.latencyMs;
    assert.ok(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= max);
    assert.equal(progress.at(-1), 40, 'the last progress report is the final count');
    assert.equal(server.bodies[0], '{"features":[0,0,0,0]}');
  } finally {
    await server.close();
  }
});

test('fixed rate: the offered rate is recorded and non-2xx answers are counted', async () => {
  const server = await startTestServer({ status: 503 });
  try {
    const result = await runLoadTest({
      url: `${server.url}/predict`,
      body: '{}',
      connections: 4,
      requests: 8,
      rate: 40,
    });
    assert.equal(result.mode, 'fixed-rate');
    assert.equal(result.offeredRate, 40);
    assert.equal(result.requests.completed, 8);
    assert.equal(result.non2xx, 8);
    assert.deepEqual(result.statusCodes, { 503: 8 });
  } finally {
    await server.close();
  }
});

test('share splits a rate over staggered slices without losing any', () => {
  assert.deepEqual(
    [0, 1, 2].map((i) => share(10, 3, i)),
    [4, 3, 3],
  );
});

test('bench a URL: sample body from the model metadata, report and JSON', async () => {
  const server = await startTestServer();
  try {
    const phases: string[] = [];
    const result = await runBench({
      target: server.url,
      connections: 2,
      requests: 10,
      onPhase: (p) => phases.push(p.label),
    });
    assert.equal(result.url, `${server.url}/predict`);
    assert.deepEqual(result.body, { features: [0, 0, 0, 0] });
    assert.equal(result.run!.requests.completed, 10);
    assert.deepEqual(phases, ['fixed concurrency 2']);
    assert.match(formatBench(result), /latency {4}p50 .* ms · p90 .* · p99 .* · max/);
    const infer = await runBench({
      target: `${server.url}/v2/models/iris/infer`,
      requests: 4,
      connections: 1,
      rate: 20,
    });
    assert.deepEqual(infer.body, {
      inputs: [{ name: 'float_input', shape: [1, 4], datatype: 'FP32', data: [0, 0, 0, 0] }],
    });
    assert.equal(infer.run!.mode, 'fixed-rate');
    assert.equal(infer.run!.requests.completed, 4);
  } finally {
    await server.close();
  }
});

test('bench refuses to measure a request the server rejects, or a server that is not there', async () => {
  const server = await startTestServer({ status: 400 });
  try {
    await assert.rejects(
      runBench({ target: server.url, durationSeconds: 1 }),
      (error: Error & { code?: string }) =>
        error.code === 'BERTH_BENCH_REJECTED' && /answered 400 \{"error":"no"\}/.test(error.message),
    );
    await assert.rejects(
      runBench({ target: server.url, body: '{not json', durationSeconds: 1 }),
      /--body is not valid JSON/,
    );
  } finally {
    await server.close();
  }
  await assert.rejects(
    runBench({ target: server.url, durationSeconds: 1 }),
    (error: Error & { code?: string }) => error.code === 'BERTH_BENCH_UNREACHABLE',
  );
});
