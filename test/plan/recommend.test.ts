import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recommendHpa } from '../../src/plan/recommend.js';
import { simulateHpa } from '../../src/plan/hpa-simulator.js';
import { hpaSpec } from '../../src/plan/hpa-spec.js';
import { parseTraffic } from '../../src/plan/traffic-pattern.js';

const day = (spec: string) => {
  const traffic = parseTraffic(spec);
  return {
    traffic: traffic.rpsAt,
    peak: traffic.peak,
    durationSeconds: 86_400,
    capacityPerPod: 40,
    startupSeconds: 30,
  };
};

test("diurnal traffic: no minute at risk, and no dearer than the deployment tutorial's 2–10 at 70%", () => {
  const input = day('diurnal:peak=400,trough=40');
  const rec = recommendHpa(input);
  assert.equal(rec.summary.minutesAtRisk, 0);
  assert.ok(rec.minReplicas >= 2 && rec.minReplicas <= rec.maxReplicas);
  assert.ok(rec.maxReplicas >= 10, 'max must serve the 400 req/s peak at 40 req/s per pod');
  const seed = simulateHpa({ ...input, hpa: hpaSpec() }).summary;
  assert.ok(rec.summary.podHours <= seed.podHours + 1e-9);
  assert.equal(rec.candidates.length, 6);
  // Re-simulating the recommendation gives the same numbers (deterministic).
  const again = simulateHpa({
    ...input,
    hpa: hpaSpec({
      minReplicas: rec.minReplicas,
      maxReplicas: rec.maxReplicas,
      targetUtilization: rec.targetUtilization,
    }),
  }).summary;
  assert.deepEqual(again, rec.summary);
});

test('square spikes faster than pod start-up: only pods already running help', () => {
  const rec = recommendHpa(day('spiky:base=40,peak=320,every=2h,duration=10m'));
  assert.equal(rec.summary.minutesAtRisk, 0);
  assert.equal(rec.minReplicas, 8); // ceil(320 / 40)
  assert.match(rec.why, /min = max/);
  // Allowing a few minutes at risk lets the HPA scale instead.
  const relaxed = recommendHpa({ ...day('spiky:base=40,peak=320,every=2h,duration=10m'), allowedMinutesAtRisk: 30 });
  assert.ok(relaxed.summary.podHours < rec.summary.podHours);
  assert.ok(relaxed.summary.minutesAtRisk <= 30);
});
