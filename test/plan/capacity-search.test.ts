import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCapacity, judgeStep } from '../../src/plan/capacity-search.js';
import type { LoadTestOptions, LoadTestResult } from '../../src/plan/load-test.js';
import { startTestServer } from './test-server.js';

/** A pretend server: p99 is 5 ms up to `limit` req/s, 200 ms beyond; closed loop reaches `ceiling`. */
function fakeServer(limit: number, ceiling: number) {
  const offered: number[] = [];
  const run = async (options: LoadTestOptions): Promise<LoadTestResult> => {
    const rate = options.rate ?? ceiling;
    if (options.rate !== undefined) offered.push(rate);
    const p99 = rate <= limit ? 5 : 200;
    return {
      mode: options.rate === undefined ? 'fixed-concurrency' : 'fixed-rate',
      url: options.url,
      method: 'POST',
      connections: options.connections ?? 16,
      durationSeconds: 5,
      requests: { completed: rate * 5, perSecond: rate },
      latencyMs: { p50: 1, p90: 2, p99, p999: p99, max: p99, mean: 1 },
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      statusCodes: { 200: rate * 5 },
    };
  };
  return { run, offered };
}

test('binary search converges on the highest rate within the SLO', async () => {
  const server = fakeServer(730, 1000);
  const result = await findCapacity({ request: { url: 'http://x/predict' }, sloP99Ms: 50, iterations: 7 }, server.run);
  // ceiling 1000 fails → 500 ok → 750 fail → 625 ok → 688 ok → 719 ok → 735 fail → 727 ok
  assert.deepEqual(server.offered, [1000, 500, 750, 625, 688, 719, 735, 727]);
  assert.equal(result.rps, 727);
  assert.equal(result.ceilingRps, 1000);
  assert.equal(result.atCeiling, false);
  assert.equal(result.steps.filter((s) => s.pass).length, 5);
  assert.match(result.steps[0]!.why!, /p99 200 ms > 50 ms/);
});

test('a server that meets the SLO at its ceiling: capacity = ceiling, flagged', async () => {
  const result = await findCapacity({ request: { url: 'http://x/predict' }, sloP99Ms: 50 }, fakeServer(5000, 900).run);
  assert.equal(result.rps, 900);
  assert.equal(result.atCeiling, true);
  assert.equal(result.steps.length, 1);
});

test('no passing rate is an error that says why', async () => {
  await assert.rejects(
    findCapacity({ request: { url: 'http://x/predict' }, sloP99Ms: 50, iterations: 3 }, fakeServer(0, 1000).run),
    (error: Error & { code?: string }) =>
      error.code === 'BERTH_NO_CAPACITY' && /p99 200 ms > 50 ms/.test(error.message),
  );
});

test('a step fails on errors, non-2xx, timeouts or a shortfall of the offered rate', () => {
  const base = {
    mode: 'fixed-rate' as const,
    url: '',
    method: 'POST',
    connections: 8,
    durationSeconds: 5,
    latencyMs: { p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1 },
    statusCodes: {},
  };
  assert.equal(
    judgeStep(
      { ...base, requests: { completed: 500, perSecond: 100 }, errors: 0, timeouts: 0, non2xx: 0 },
      100,
      50,
      0.95,
    ).pass,
    true,
  );
  assert.match(
    judgeStep(
      { ...base, requests: { completed: 400, perSecond: 80 }, errors: 0, timeouts: 0, non2xx: 0 },
      100,
      50,
      0.95,
    ).why!,
    /achieved 80 of 100/,
  );
  assert.match(
    judgeStep(
      { ...base, requests: { completed: 500, perSecond: 100 }, errors: 1, timeouts: 2, non2xx: 3 },
      100,
      50,
      0.95,
    ).why!,
    /1 errors, 2 timeouts, 3 non-2xx/,
  );
});

test('a real capacity search over a socket: probe, then the ceiling tried at a fixed rate', async () => {
  const server = await startTestServer();
  try {
    // Runs of 20 requests rather than of a time, a p99 goal no answer misses and no shortfall
    // check: what the machine measures cannot change the outcome (the search itself is tested above).
    const request = { url: `${server.url}/predict`, method: 'POST', body: '{"features":[0,0,0,0]}', requests: 20 };
    const result = await findCapacity({
      request,
      sloP99Ms: 600_000,
      minAchievedRatio: 0,
      iterations: 1,
      connections: 2,
      maxConnections: 4,
    });
    assert.equal(result.probe.mode, 'fixed-concurrency');
    assert.equal(result.probe.requests.completed, 20);
    assert.ok(result.ceilingRps >= 1);
    assert.equal(result.steps.length, 1);
    assert.deepEqual(
      { pass: result.steps[0]!.pass, rate: result.steps[0]!.rate, atCeiling: result.atCeiling, rps: result.rps },
      { pass: true, rate: result.ceilingRps, atCeiling: true, rps: result.ceilingRps },
    );
  } finally {
    await server.close();
  }
});
