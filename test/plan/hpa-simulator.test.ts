import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateHpa, steadyReplicas } from '../../src/plan/hpa-simulator.js';
import { hpaSpec } from '../../src/plan/hpa-spec.js';

// Hand-computed timelines. Capacity 100 req/s per pod, so utilisation = load per ready pod in %.
// They start from 2 pods, so the HPA's minReplicas is 2 (the default is the 3 Berth deploys).
const events = (result: ReturnType<typeof simulateHpa>) => result.events.map(({ at, from, to }) => ({ at, from, to }));
const constant = (rps: number) => () => rps;

test('scale-up: ceil of the ratio, one step per sync, until the target holds', () => {
  // 300 req/s on 2 pods = 150%, read as 100% (saturated): ceil(2 × 100/50) = 4.
  // t = 15: 300/4 = 75% → ceil(4 × 1.5) = 6. t = 30: 50% → ratio 1, stay.
  const result = simulateHpa({
    traffic: constant(300),
    durationSeconds: 120,
    capacityPerPod: 100,
    hpa: hpaSpec({ minReplicas: 2, targetUtilization: 50 }),
    initialReplicas: 2,
    startupSeconds: 0,
  });
  assert.deepEqual(events(result), [
    { at: 0, from: 2, to: 4 },
    { at: 15, from: 4, to: 6 },
  ]);
  assert.equal(result.replicas[119], 6);
});

test('start-up delay: new pods take no traffic and the HPA waits for them', () => {
  // t = 0: 2 → 4, ready at 30. t = 15: 2 ready at 100% + 2 starting counted at 0% → 50% → no change.
  // t = 30: 4 ready at 75% → 6 (ready at 60). t = 45: 4 ready at 75% + 2 starting → floor(300/6) = 50% → stay.
  const result = simulateHpa({
    traffic: constant(300),
    durationSeconds: 120,
    capacityPerPod: 100,
    hpa: hpaSpec({ minReplicas: 2, targetUtilization: 50 }),
    initialReplicas: 2,
    startupSeconds: 30,
  });
  assert.deepEqual(events(result), [
    { at: 0, from: 2, to: 4 },
    { at: 30, from: 4, to: 6 },
  ]);
  assert.equal(result.ready[29], 2);
  assert.equal(result.ready[30], 4);
  assert.equal(result.ready[60], 6);
  // 300 req/s > 2 × 100 for t in [0, 30): 30 s at risk, all within the first clock minute.
  assert.equal(result.summary.secondsAtRisk, 30);
  assert.equal(result.summary.minutesAtRisk, 1);
  assert.equal(result.summary.requestsAtRisk, 30 * 100);
});

test('scale-down waits out the 300 s stabilisation window', () => {
  // 400 req/s for 600 s on 8 pods (50%), then 100 req/s: every sync from t = 600 recommends
  // ceil(8 × 12/50) = 2, but the window still holds the 8 recommended at t = 585 until t = 885.
  const traffic = (t: number) => (t < 600 ? 400 : 100);
  const result = simulateHpa({
    traffic,
    durationSeconds: 1200,
    capacityPerPod: 100,
    hpa: hpaSpec({ minReplicas: 2, targetUtilization: 50 }),
    startupSeconds: 0,
  });
  assert.equal(result.replicas[0], 8);
  assert.equal(result.replicas[884], 8);
  assert.equal(result.replicas[885], 2);
  assert.deepEqual(events(result), [{ at: 885, from: 8, to: 2 }]);
});

test('scaling policies limit each step: default max(100%, 4 pods) per 15 s', () => {
  // 2000 req/s at a 20% target wants 100 pods. Saturated pods read 100% → desired 5 × current,
  // limited to max(2 × current, current + 4): 2 → 6 → 12 → 24 → 48 → 96. At 96 pods the load is
  // 2000/96 = 20.8% → 20% → ratio 1.0: within tolerance, so it stays short of 100.
  const result = simulateHpa({
    traffic: constant(2000),
    durationSeconds: 120,
    capacityPerPod: 100,
    hpa: hpaSpec({ minReplicas: 2, targetUtilization: 20, maxReplicas: 100 }),
    initialReplicas: 2,
    startupSeconds: 0,
  });
  assert.deepEqual(
    events(result).map((e) => e.to),
    [6, 12, 24, 48, 96],
  );
  assert.deepEqual(result.events.map((e) => e.reason).slice(0, 2), ['ScaleUpLimit', 'ScaleUpLimit']);
});

test('a custom Pods policy: one pod per 60 s', () => {
  const hpa = hpaSpec({
    targetUtilization: 50,
    maxReplicas: 20,
    scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
  });
  const result = simulateHpa({
    traffic: constant(1000),
    durationSeconds: 180,
    capacityPerPod: 100,
    hpa,
    initialReplicas: 2,
    startupSeconds: 0,
  });
  assert.deepEqual(events(result), [
    { at: 0, from: 2, to: 3 },
    { at: 60, from: 3, to: 4 },
    { at: 120, from: 4, to: 5 },
  ]);
});

test('min and max replicas bound the result', () => {
  const hpa = hpaSpec({ minReplicas: 3, maxReplicas: 5, targetUtilization: 50 });
  // Below min at the start: raised to min at the first sync, whatever the load.
  const low = simulateHpa({
    traffic: constant(1),
    durationSeconds: 60,
    capacityPerPod: 100,
    hpa,
    initialReplicas: 1,
    startupSeconds: 0,
  });
  assert.deepEqual(events(low), [{ at: 0, from: 1, to: 3 }]);
  assert.equal(low.events[0]!.reason, 'Current number of replicas below Spec.MinReplicas');
  // Far more load than 5 pods can take: never above max, and the excess is at risk.
  const high = simulateHpa({
    traffic: constant(5000),
    durationSeconds: 120,
    capacityPerPod: 100,
    hpa,
    startupSeconds: 0,
  });
  assert.equal(high.summary.maxReplicas, 5);
  assert.equal(high.summary.secondsAtRisk, 120);
  assert.equal(high.summary.minutesAtRisk, 2);
});

test('tolerance: 52% and 55% of a 50% target never scale; 56% does', () => {
  const hpa = hpaSpec({ minReplicas: 2, targetUtilization: 50 });
  const run = (rps: number) =>
    simulateHpa({
      traffic: constant(rps),
      durationSeconds: 300,
      capacityPerPod: 100,
      hpa,
      initialReplicas: 2,
      startupSeconds: 0,
    });
  assert.deepEqual(events(run(105)), []); // 52.5% → 52 → 1.04
  assert.deepEqual(events(run(110)), []); // 55% → 1.1, inclusive
  assert.deepEqual(events(run(112)), [{ at: 0, from: 2, to: 3 }]); // 56% → ceil(2 × 1.12) = 3
});

test('pod-hours and the average count every pod, starting ones included', () => {
  const result = simulateHpa({
    traffic: constant(300),
    durationSeconds: 3600,
    capacityPerPod: 100,
    hpa: hpaSpec({ minReplicas: 2, targetUtilization: 50 }),
    initialReplicas: 2,
    startupSeconds: 30,
  });
  // 2 → 4 at t = 0 (4 pods, 2 of them starting, for 30 s), then 6 pods from t = 30 on.
  assert.equal(result.summary.podHours, (4 * 30 + 6 * 3570) / 3600);
  assert.equal(steadyReplicas(300, 100, hpaSpec({ minReplicas: 2, targetUtilization: 50 })), 6);
});

test('deterministic, and 15 s steps agree with 1 s steps at the sync points', () => {
  const traffic = (t: number) => 100 + 300 * Math.sin(t / 600) ** 2;
  const input = { traffic, durationSeconds: 7200, capacityPerPod: 100, hpa: hpaSpec(), startupSeconds: 30 };
  assert.deepEqual(simulateHpa(input).events, simulateHpa(input).events);
  assert.deepEqual(simulateHpa({ ...input, stepSeconds: 15 }).events, simulateHpa(input).events);
});
