import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emptyMemory,
  limitRate,
  reconcile,
  replicasForUtilization,
  scaleDownLimit,
  scaleUpLimit,
  stabilize,
} from '../../src/plan/hpa-algorithm.js';
import { hpaSpec } from '../../src/plan/hpa-spec.js';

// Every expected number below is worked out by hand from the Kubernetes algorithm
// (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details),
// not from running the code.

const observe = (current: number, utilization: number, unready = 0, now = 0) => ({
  now,
  currentReplicas: current,
  readyPods: current - unready,
  unreadyPods: unready,
  utilization,
});

test('tolerance: a ratio of 1.05 changes nothing', () => {
  // target 60%, measured 63% → 63/60 = 1.05, within 1 ± 0.1 → stay at 4.
  assert.equal(replicasForUtilization(observe(4, 63), hpaSpec({ targetUtilization: 60 })).replicas, 4);
  // The bounds are inclusive: 55/50 = 1.1 → stay; 45/50 = 0.9 → stay.
  assert.equal(replicasForUtilization(observe(4, 55), hpaSpec({ targetUtilization: 50 })).replicas, 4);
  assert.equal(replicasForUtilization(observe(4, 45), hpaSpec({ targetUtilization: 50 })).replicas, 4);
  // Just outside: 56/50 = 1.12 → ceil(4 × 1.12) = ceil(4.48) = 5.
  assert.equal(replicasForUtilization(observe(4, 56), hpaSpec({ targetUtilization: 50 })).replicas, 5);
});

test('desired = ceil(current × current/target), utilisation truncated to a whole percent', () => {
  // ceil(4 × 90/70) = ceil(5.14) = 6.
  assert.equal(replicasForUtilization(observe(4, 90), hpaSpec({ targetUtilization: 70 })).replicas, 6);
  // 10 pods at 35% of a 70% target → ceil(10 × 0.5) = 5.
  assert.equal(replicasForUtilization(observe(10, 35), hpaSpec({ targetUtilization: 70 })).replicas, 5);
  // 77.9% is read as 77%: ceil(3 × 77/50) = ceil(4.62) = 5.
  const seen = replicasForUtilization(observe(3, 77.9), hpaSpec({ targetUtilization: 50 }));
  assert.deepEqual(seen, { replicas: 5, utilization: 77 });
});

test('pods still starting count as 0% on a scale-up, and are ignored otherwise', () => {
  const spec = hpaSpec({ targetUtilization: 50 });
  // 2 ready at 100% + 2 starting: ratio 2 → recomputed over 4 pods: floor(200/4) = 50% → ratio 1.0 → no change.
  assert.equal(replicasForUtilization(observe(4, 100, 2), spec).replicas, 4);
  // 2 ready at 100% + 1 starting: floor(200/3) = 66% → 1.32 → ceil(1.32 × 3) = ceil(3.96) = 4.
  assert.equal(replicasForUtilization(observe(3, 100, 1), spec).replicas, 4);
  // Scale-down with a starting pod: only the 3 ready count: ceil(3 × 20/50) = ceil(1.2) = 2.
  assert.equal(replicasForUtilization(observe(4, 20, 1), spec).replicas, 2);
});

test('default scale-up policies: max(+100%, +4 pods) per 15 s, measured from the period start', () => {
  const up = hpaSpec().behavior.scaleUp;
  assert.equal(scaleUpLimit(0, 3, up, emptyMemory), 7); // max(ceil(3 × 2) = 6, 3 + 4 = 7)
  assert.equal(scaleUpLimit(0, 10, up, emptyMemory), 20); // max(20, 14)
  // 4 pods were added 10 s ago: the period started at 6 → max(12, 10) = 12.
  const memory = { ...emptyMemory, scaleUpEvents: [{ at: 20, change: 4 }] };
  assert.equal(scaleUpLimit(30, 10, up, memory), 12);
  // An event exactly one period old no longer counts (timestamp.After(cutoff)).
  assert.equal(scaleUpLimit(35, 10, up, memory), 20);
  // selectPolicy Min picks the smaller change: min(20, 14) = 14; Disabled never scales.
  assert.equal(scaleUpLimit(0, 10, { ...up, selectPolicy: 'Min' }, emptyMemory), 14);
  assert.equal(scaleUpLimit(0, 10, { ...up, selectPolicy: 'Disabled' }, emptyMemory), 10);
});

test('scale-down policies limit the step', () => {
  const spec = hpaSpec({
    scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
  });
  const down = spec.behavior.scaleDown;
  assert.equal(scaleDownLimit(0, 10, down, emptyMemory), 9);
  // 1 pod removed 30 s ago: the period started at 11 → 11 − 1 = 10 → no further removal.
  const memory = { ...emptyMemory, scaleDownEvents: [{ at: 30, change: 1 }] };
  assert.equal(scaleDownLimit(60, 10, down, memory), 10);
  assert.deepEqual(limitRate(60, 10, 2, spec, memory), { replicas: 10, reason: 'ScaleDownLimit' });
  // Percent truncates: 50% of 5 pods → int32(2.5) = 2 may remain.
  assert.equal(
    scaleDownLimit(0, 5, { ...down, policies: [{ type: 'Percent', value: 50, periodSeconds: 15 }] }, emptyMemory),
    2,
  );
});

test('min/max clamp the result, with the controller reasons', () => {
  const spec = hpaSpec({ minReplicas: 2, maxReplicas: 10 });
  assert.deepEqual(limitRate(0, 3, 20, spec, emptyMemory), { replicas: 7, reason: 'ScaleUpLimit' });
  assert.deepEqual(limitRate(0, 8, 20, spec, emptyMemory), { replicas: 10, reason: 'TooManyReplicas' });
  assert.deepEqual(limitRate(0, 5, 1, spec, emptyMemory), { replicas: 2, reason: 'TooFewReplicas' });
  const below = reconcile(observe(1, 50), spec, emptyMemory);
  assert.equal(below.desiredReplicas, 2);
  assert.equal(below.reason, 'Current number of replicas below Spec.MinReplicas');
  assert.equal(reconcile(observe(12, 50), spec, emptyMemory).desiredReplicas, 10);
});

test('scale-down stabilisation: the highest recommendation of the last 300 s wins', () => {
  const spec = hpaSpec();
  // Recommendations of 8 every 15 s up to t = 585, then the load drops.
  const memory = {
    ...emptyMemory,
    recommendations: Array.from({ length: 40 }, (_, i) => ({ at: i * 15, replicas: 8 })),
  };
  assert.equal(stabilize(600, 8, 2, spec, memory).replicas, 8);
  // At t = 885 the last 8 (t = 585) is exactly 300 s old and no longer counts.
  let state = memory as typeof memory;
  for (let t = 600; t < 885; t += 15) state = stabilize(t, 8, 2, spec, state).memory as typeof memory;
  assert.equal(stabilize(870, 8, 2, spec, state).replicas, 8);
  assert.equal(stabilize(885, 8, 2, spec, state).replicas, 2);
});

test('scale-up stabilisation window: the lowest recent recommendation wins', () => {
  const spec = hpaSpec({ scaleUp: { stabilizationWindowSeconds: 60 } });
  const memory = {
    ...emptyMemory,
    recommendations: [
      { at: 0, replicas: 3 },
      { at: 15, replicas: 9 },
    ],
  };
  assert.equal(stabilize(30, 3, 9, spec, memory).replicas, 3);
  assert.equal(stabilize(61, 3, 9, spec, memory).replicas, 9);
});

test('no ready pods: no metrics, no scaling', () => {
  const decision = reconcile(
    { now: 0, currentReplicas: 3, readyPods: 0, unreadyPods: 3, utilization: 0 },
    hpaSpec(),
    emptyMemory,
  );
  assert.equal(decision.desiredReplicas, 3);
  assert.equal(decision.reason, 'FailedGetResourceMetric');
});
