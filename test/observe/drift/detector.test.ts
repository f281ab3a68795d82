import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DriftDetector,
  type CategoricalDriftScore,
  type NumericDriftScore,
} from '../../../src/observe/drift/detector.js';
import { FeedbackTracker } from '../../../src/observe/accuracy/feedback-tracker.js';
import { buildProfile } from '../../../src/observe/drift/profile.js';
import { seededRandom } from '../../../src/observe/drift/sample.js';
import { assertClose, driftFixture, normals } from './fixtures.js';

const colours = (count: number, weights: number[], seed: number) => {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    let u = random();
    for (let k = 0; k < weights.length; k++) if ((u -= weights[k]!) < 0) return 'abcd'[k]!;
    return 'd';
  });
};
const T0 = Date.UTC(2025, 0, 1);

function reference() {
  const a = normals(5000, 0, 1);
  const b = normals(5000, 5, 2);
  const c = colours(5000, [0.5, 0.3, 0.15, 0.05], 3);
  const rows = a.map((x, i) => ({ a: x, b: b[i], colour: c[i] }));
  return buildProfile(rows, { features: ['a', 'b', 'colour'], predictions: a.map((x) => (x > 0 ? 1.5 * x : 0)) });
}

function live(count: number, shiftA: number, weights: number[], seed: number) {
  const a = normals(count, shiftA, seed);
  const b = normals(count, 5, seed + 1);
  const c = colours(count, weights, seed + 2);
  return { rows: a.map((x, i) => [x, b[i]!, c[i]!]), predictions: a.map((x) => (x > 0 ? 1.5 * x : 0)) };
}

describe('DriftDetector', () => {
  const profile = reference();

  it('does not flag a window drawn from the reference distribution', () => {
    const detector = new DriftDetector(profile);
    const batch = live(3000, 0, [0.5, 0.3, 0.15, 0.05], 100);
    detector.observe(batch.rows, batch.predictions, T0);
    const report = detector.report(T0 + 1000);
    assert.equal(report.drifted, false, JSON.stringify(report.features));
    assert.equal(report.sample_size, 3000);
    for (const score of report.features) {
      assert.ok(score.psi! < 0.1, `${score.feature} psi ${score.psi}`);
      assert.equal(score.drifted, false);
    }
    assert.equal(report.prediction?.drifted, false);
  });

  it('flags a shifted numeric feature, a shifted categorical one and the predictions, and only those', () => {
    const detector = new DriftDetector(profile);
    const batch = live(3000, 1, [0.2, 0.2, 0.3, 0.3], 200);
    detector.observe(batch.rows, batch.predictions, T0);
    const report = detector.report(T0);
    const [a, b, colour] = report.features as [NumericDriftScore, NumericDriftScore, CategoricalDriftScore];
    assert.deepEqual(report.drifted_features, ['a', 'colour']);
    assert.deepEqual(a.reasons, ['psi', 'ks']);
    assert.ok(a.psi! > 0.2 && a.ks_pvalue! < 1e-10 && a.ks_statistic! > 0.3);
    assert.equal(b.drifted, false);
    assert.deepEqual(colour.reasons, ['psi', 'chi2']);
    assert.equal(colour.dof, 3);
    assert.equal(report.prediction?.drifted, true);
    assert.equal(report.drifted, true);
  });

  it('gives scipy’s ks_2samp and chi2_contingency values when the samples are the same', () => {
    const ks = driftFixture<{
      cases: Array<{ name: string; x: number[]; y: number[]; statistic: number; pvalue: number }>;
    }>('ks.json');
    const c = ks.cases.find((item) => item.name === 'normal_shift_1000_1000')!;
    const detector = new DriftDetector(
      buildProfile(
        c.x.map((x) => [x]),
        { features: ['x'] },
      ),
    );
    detector.observe(
      c.y.map((y) => [y]),
      undefined,
      T0,
    );
    const score = detector.report(T0).features[0] as NumericDriftScore;
    assert.equal(score.ks_samples, 1000);
    assertClose(score.ks_statistic!, c.statistic, 0, 1e-12, 'statistic');
    assertClose(score.ks_pvalue!, c.pvalue, 1e-10, 1e-300, 'p-value');

    const chi = driftFixture<{
      contingency: Array<{ name: string; table: number[][]; statistic: number; pvalue: number }>;
    }>('chi_square.json');
    for (const name of ['same_categories', 'shifted_categories']) {
      const { table, statistic, pvalue } = chi.contingency.find((item) => item.name === name)!;
      const expand = (counts: number[]) =>
        counts.flatMap((count, k) => Array.from({ length: count }, () => ['abcd'[k]]));
      const categorical = new DriftDetector(buildProfile(expand(table[0]!), { features: ['c'] }));
      categorical.observe(expand(table[1]!), undefined, T0);
      const score = categorical.report(T0).features[0] as CategoricalDriftScore;
      assertClose(score.chi2!, statistic, 1e-12, 0, `${name} chi2`);
      assertClose(score.chi2_pvalue!, pvalue, 1e-10, 1e-300, `${name} p`);
    }
  });

  it('bounds the window by count and by age', () => {
    const detector = new DriftDetector(profile, { windowRows: 100, windowSeconds: 60 });
    const batch = live(250, 0, [0.25, 0.25, 0.25, 0.25], 300);
    detector.observe(batch.rows.slice(0, 200), batch.predictions.slice(0, 200), T0);
    detector.observe(batch.rows.slice(200), batch.predictions.slice(200), T0 + 30_000);
    let report = detector.report(T0 + 30_000);
    assert.equal(report.sample_size, 100);
    assert.equal(report.window.span_seconds, 30);
    report = detector.report(T0 + 61_000);
    assert.equal(report.sample_size, 50, 'the rows from T0 are older than 60 s');
    report = detector.report(T0 + 100_000);
    assert.equal(report.sample_size, 0);
    assert.equal(report.features[0]!.psi, null);
    assert.doesNotThrow(() => JSON.stringify(report));
  });

  it('reports but does not flag below minSamples', () => {
    const detector = new DriftDetector(profile, { minSamples: 100 });
    const batch = live(50, 3, [0, 0, 0, 1], 400);
    detector.observe(batch.rows, batch.predictions, T0);
    const a = detector.report(T0).features[0] as NumericDriftScore;
    assert.ok(a.psi! > 1);
    assert.equal(a.drifted, false);
  });

  it('reads object rows, positional rows and a row-major matrix alike', () => {
    const one = new DriftDetector(profile);
    const two = new DriftDetector(profile);
    const three = new DriftDetector(
      buildProfile(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        { features: ['p', 'q'] },
      ),
    );
    const batch = live(200, 0.5, [0.5, 0.3, 0.15, 0.05], 500);
    one.observe(
      batch.rows.map(([a, b, colour]) => ({ a, b, colour })),
      batch.predictions,
      T0,
    );
    two.observe(batch.rows, batch.predictions, T0);
    assert.deepEqual(one.report(T0), two.report(T0));
    three.observeMatrix(new Float32Array([1, 2, 3, 4]), 2, undefined, T0);
    assert.equal(three.report(T0).features[1]!.samples, 2);
  });

  it('maps live categories the profile left out into its "other" bucket', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [`c${i % 10}`]);
    const truncated = new DriftDetector(buildProfile(rows, { features: ['c'], maxCategories: 3 }));
    truncated.observe([['c9'], ['zzz']], undefined, T0);
    assert.equal((truncated.report(T0).features[0] as CategoricalDriftScore).dof, 3, 'three kept + other');
    const complete = new DriftDetector(buildProfile(rows, { features: ['c'] }));
    complete.observe([['c9'], ['zzz']], undefined, T0);
    assert.equal((complete.report(T0).features[0] as CategoricalDriftScore).dof, 10, 'ten known + a new one');
  });

  it('rejects settings that cannot work, with the catalogue error', () => {
    for (const options of [
      { windowRows: 0 },
      { windowSeconds: -1 },
      { thresholds: { ksPValue: 1.5 } },
      { psiEpsilon: 0 },
    ]) {
      assert.throws(
        () => new DriftDetector(profile, options),
        (error: Error & { code?: string }) => error.code === 'BERTH_BAD_MONITORING_SETTING',
      );
    }
  });

  it('includes live accuracy when given a feedback tracker', () => {
    const feedback = new FeedbackTracker({ task: 'regression' });
    const detector = new DriftDetector(profile, { feedback });
    feedback.recordPrediction('r1', [2], T0);
    feedback.feedback('r1', 1.5, T0);
    assert.equal(detector.report(T0).accuracy?.mae, 0.5);
  });
});
