import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPlan } from '../../src/plan/plan.js';
import { formatPlan } from '../../src/plan/plan-text.js';
import { checkXml } from './xml-check.js';
import { generate, objectOf, type Loose } from '../deploy/support/fixtures.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'berth-plan-'));

test("the deployment tutorial's inputs: 100 req/s, the table's fixed 3 pods and single VM rows", async () => {
  const out = scratch();
  try {
    // Seed 004's HPA: 2–10 pods at 70% (Berth's default is the HPA `berth manifests` writes, 3–20).
    const { result } = await runPlan({
      capacity: 40,
      traffic: 'constant:100',
      durationSeconds: 3600,
      minReplicas: 2,
      maxReplicas: 10,
      out,
    });
    const byKey = Object.fromEntries(result.cost.map((option) => [option.key, option]));
    assert.equal(result.fixedPods, 3);
    assert.deepEqual(
      byKey.fixed!.rows.map((r) => r.monthly),
      [72, 216, 30],
    );
    assert.equal(byKey.fixed!.total, 318);
    assert.equal(byKey.vm!.total, 160);
    assert.equal(result.hpa.spec.minReplicas, 2);
    assert.equal(result.hpa.spec.maxReplicas, 10);
    // 100 req/s at 70% of 40 req/s per pod: ceil(100 / 28) = 4 pods all month = 288 + 72 + 30.
    assert.equal(byKey.hpa!.total, 390);
    assert.ok(existsSync(join(out, 'plan.svg')) && existsSync(join(out, 'plan.json')));
    checkXml(readFileSync(join(out, 'plan.svg'), 'utf8'));
    const json = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    assert.equal(json.cost.find((o: { key: string }) => o.key === 'fixed').total, 318);
    const text = formatPlan(result);
    assert.match(text, /Kubernetes \(3 pods\)/);
    assert.match(text, /318\.00/);
    assert.match(text, /Recommendation: minReplicas \d+, maxReplicas \d+, averageUtilization \d+/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('capacity from a bench result, re-read at another SLO from its steps', async () => {
  const out = scratch();
  try {
    const step = (rate: number, p99: number) => ({
      rate,
      connections: 16,
      achieved: rate,
      latencyMs: { p50: 1, p90: 2, p99, p999: p99, max: p99, mean: 1 },
      errors: 0,
      timeouts: 0,
      non2xx: 0,
      pass: p99 <= 50,
    });
    const bench = {
      kind: 'berth-bench',
      capacity: {
        rps: 300,
        sloP99Ms: 50,
        ceilingRps: 400,
        atCeiling: false,
        steps: [step(400, 90), step(200, 8), step(300, 40), step(250, 15)],
      },
    };
    const file = join(out, 'bench.json');
    writeFileSync(file, JSON.stringify(bench));
    assert.equal(
      (await runPlan({ fromBench: file, traffic: 'constant:100', durationSeconds: 600 })).result.capacity.rps,
      300,
    );
    const strict = (await runPlan({ fromBench: file, traffic: 'constant:100', durationSeconds: 600, sloP99Ms: 20 }))
      .result.capacity;
    assert.equal(strict.rps, 250);
    assert.match(strict.source, /re-read at p99 ≤ 20 ms/);
    await assert.rejects(
      runPlan({ fromBench: file, traffic: 'constant:100', sloP99Ms: 5 }),
      /no step of its capacity search kept p99 within 5 ms/,
    );
    writeFileSync(file, '{"kind":"other"}');
    await assert.rejects(runPlan({ fromBench: file, traffic: 'constant:100' }), /BERTH|berth-bench/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('clear errors for missing or contradictory inputs', async () => {
  await assert.rejects(runPlan({ traffic: 'constant:100' }), /--capacity or --from-bench is required/);
  await assert.rejects(
    runPlan({ capacity: 40, traffic: 'constant:100', minReplicas: 5, maxReplicas: 3 }),
    /--min \(5\) is above --max \(3\)/,
  );
  await assert.rejects(
    runPlan({ capacity: 40, traffic: 'constant:100', stepSeconds: 7 }),
    /--step must divide the 15 s HPA sync period/,
  );
  await assert.rejects(
    runPlan({ capacity: 40, traffic: 'missing-file.csv' }),
    /traffic `missing-file\.csv`: no such file/,
  );
  await assert.rejects(
    runPlan({ capacity: 40, traffic: 'constant:100', prices: 'nope.yaml' }),
    /nope\.yaml: `\(file\)` does not exist/,
  );
});

test('without --min/--max/--target it prices the HPA `berth manifests` writes', async () => {
  const { result } = await runPlan({ capacity: 40, traffic: 'constant:100', durationSeconds: 600 });
  const hpa = objectOf(generate(), 'HorizontalPodAutoscaler') as Loose;
  assert.deepEqual(
    [result.hpa.spec.minReplicas, result.hpa.spec.maxReplicas, result.hpa.spec.targetUtilization],
    [hpa.spec.minReplicas, hpa.spec.maxReplicas, hpa.spec.metrics[0].resource.target.averageUtilization],
  );
  assert.equal(result.hpa.label, 'default HPA');
});
