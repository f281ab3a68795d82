import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DriftDetector,
  type CategoricalDriftScore,
  type NumericDriftScore,
} from '../../../src/observe/drift/detector.js';
import { FeedbackTracker } from '../../../src/observe/accuracy/feedback-tracker.js';
import { buildProfile } from '../../../src/observe/drift/profile.js';
import { ChunkedDriftDetector } from '../../../src/observe/monitoring/chunked-detector.js';
import { applyDriftRule, publicReport } from '../../../src/observe/monitoring/drift-rule.js';
import { asFloat32Inputs } from '../../../src/observe/monitoring/reference.js';
import { normals } from '../drift/fixtures.js';

const T0 = Date.UTC(2025, 0, 1);
const rule = { ksStatistic: 0.1 };
const about = {
  model: 'm',
  version: '1',
  reference: { source: 'ref.csv', rows: 5000 },
  accuracy: new FeedbackTracker({ task: 'regression' }).report(T0),
};

/** 5 000 reference rows of N(0,1), and a 5 000-row live window of N(shift, 1). */
function scoreAfterShift(shift: number, seed: number) {
  const profile = buildProfile(
    normals(5000, 0, 1).map((x) => [x]),
    { features: ['x'] },
  );
  const detector = new DriftDetector(profile, { windowRows: 5000 });
  detector.observe(
    normals(5000, shift, seed).map((x) => [x]),
    undefined,
    T0,
  );
  const raw = detector.report(T0);
  return {
    raw: raw.features[0] as NumericDriftScore,
    ruled: publicReport(raw, rule, about).features[0] as NumericDriftScore,
  };
}

describe('the default drift rule: PSI > 0.2 OR (KS p < 0.01 AND KS statistic > 0.1)', () => {
  it('does not flag an unshifted sample', () => {
    for (const seed of [11, 12, 13]) {
      const { ruled } = scoreAfterShift(0, seed);
      assert.equal(ruled.drifted, false, JSON.stringify(ruled));
    }
  });

  it('does not flag a 0.1 sd shift that the KS p-value alone calls significant at 5 000 rows', () => {
    const { raw, ruled } = scoreAfterShift(0.1, 14);
    assert.ok(
      raw.ks_pvalue! < 0.01 && raw.reasons.includes('ks'),
      `the p-value alone flags it: ${JSON.stringify(raw)}`,
    );
    assert.ok(raw.ks_statistic! < 0.1);
    assert.equal(ruled.drifted, false);
    assert.deepEqual(ruled.reasons, []);
  });

  it('flags a real shift (0.5 sd) by both PSI and KS', () => {
    const { ruled } = scoreAfterShift(0.5, 15);
    assert.equal(ruled.drifted, true);
    assert.deepEqual(ruled.reasons, ['psi', 'ks']);
  });

  it('leaves PSI and categorical reasons alone', () => {
    const base = {
      feature: 'x',
      kind: 'numeric',
      samples: 500,
      missing_rate: 0,
      reference_missing_rate: 0,
      ks_samples: 500,
      mean: 0,
      reference_mean: 0,
    } as const;
    const psiOnly = applyDriftRule(
      { ...base, psi: 0.3, ks_statistic: 0.05, ks_pvalue: 0.001, drifted: true, reasons: ['psi', 'ks'] },
      rule,
    );
    assert.deepEqual(psiOnly.reasons, ['psi']);
    assert.equal(psiOnly.drifted, true);
    const big = applyDriftRule(
      { ...base, psi: 0.1, ks_statistic: 0.3, ks_pvalue: 0.001, drifted: true, reasons: ['ks'] },
      rule,
    );
    assert.equal(big.drifted, true);
    const chi: CategoricalDriftScore = {
      feature: 'c',
      kind: 'categorical',
      samples: 500,
      missing_rate: 0,
      reference_missing_rate: 0,
      psi: 0.01,
      chi2: 30,
      chi2_pvalue: 1e-6,
      dof: 2,
      drifted: true,
      reasons: ['chi2'],
    };
    assert.equal(applyDriftRule(chi, rule), chi);
  });
});

describe('ChunkedDriftDetector', () => {
  it('reports what one detector over every feature reports', async () => {
    const features = ['a', 'b', 'c', 'd', 'e'];
    const reference = normals(2000 * 5, 0, 21);
    const rows = Array.from({ length: 2000 }, (_, r) => features.map((_, c) => reference[r * 5 + c]! + c));
    const predictions = rows.map((row) => (row[0]! > 0 ? 'yes' : 'no'));
    const profile = buildProfile(rows, { features, predictions });
    const live = normals(1000 * 5, 0.3, 22);
    const matrix = Float64Array.from(live, (x, i) => x + (i % 5));
    const livePredictions = Array.from({ length: 1000 }, (_, r) => (matrix[r * 5]! > 0 ? 'yes' : 'no'));

    const whole = new DriftDetector(profile);
    whole.observeMatrix(matrix, 1000, livePredictions, T0);
    const chunked = new ChunkedDriftDetector(profile, {}, 2);
    chunked.observeMatrix(matrix, 1000, livePredictions, T0);
    let turns = 0;
    const merged = await chunked.report(T0, async () => {
      turns++;
    });
    assert.equal(turns, 2, 'three chunks of ≤ 2 features, a yield between each');
    const expected = whole.report(T0);
    assert.deepEqual(merged.features, expected.features);
    assert.deepEqual(merged.prediction, expected.prediction);
    assert.deepEqual(merged.drifted_features, expected.drifted_features);
    assert.equal(merged.sample_size, 1000);
    assert.deepEqual(chunked.reportNow(T0).features, expected.features);
  });
});

describe('the profile as a float32 model sees it', () => {
  it('rounds cut points and the KS sample to float32, merging buckets whose cuts meet', () => {
    const profile = buildProfile([[1.5], [2.5], [3.5], [4.5]], { features: ['x'], bins: 4 });
    const feature = profile.features[0]!;
    assert.equal(feature.kind, 'numeric');
    const edited = {
      ...profile,
      features: [{ ...feature, cuts: [0.1, 0.1 + 1e-12, 3.1], proportions: [0.25, 0.25, 0.25, 0.25], sample: [3.1] }],
    } as typeof profile;
    const seen = asFloat32Inputs(edited, () => true).features[0]!;
    assert.ok(seen.kind === 'numeric');
    assert.deepEqual(seen.cuts, [Math.fround(0.1), Math.fround(3.1)]);
    assert.deepEqual(seen.proportions, [0.25, 0.5, 0.25]);
    assert.deepEqual(seen.sample, [Math.fround(3.1)]);
    assert.equal(
      asFloat32Inputs(edited, () => false).features[0],
      edited.features[0],
      'float64 inputs keep the profile',
    );
  });
});
