import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kolmogorovSurvival } from '../../../src/observe/drift/kolmogorov.js';
import { ks2Sample, ksStatistic } from '../../../src/observe/drift/ks.js';
import { assertClose, driftFixture, sorted } from './fixtures.js';

interface KsCase {
  name: string;
  x: number[];
  y: number[];
  statistic: number;
  pvalue: number;
  method: 'exact' | 'asymptotic';
  expect_drift?: boolean;
}

const ks = driftFixture<{ cases: KsCase[] }>('ks.json');
const kstwo = driftFixture<{ grid: Array<{ n: number; x: number; sf: number }> }>('kstwo.json');

// Stated tolerances against scipy 1.17 ks_2samp(method='auto'):
//   statistic: 1e-12 absolute (the same walk over the same doubles);
//   exact p-value: 1e-10 relative (same algorithm, same operation order);
//   asymptotic p-value (kstwo.sf): 1e-8 relative — the one-sided Smirnov sum is taken in
//   logs here where scipy uses double-double arithmetic (worst seen: 1.2e-10 at n = 100 000).
describe('two-sample Kolmogorov–Smirnov against scipy.stats.ks_2samp', () => {
  for (const c of ks.cases) {
    it(`${c.name} (${c.x.length} vs ${c.y.length}, ${c.method})`, () => {
      const result = ks2Sample(sorted(c.x), sorted(c.y));
      assert.equal(result.method, c.method);
      assertClose(result.statistic, c.statistic, 0, 1e-12, 'statistic');
      assertClose(result.pvalue, c.pvalue, c.method === 'exact' ? 1e-10 : 1e-8, 1e-300, 'p-value');
      if (c.expect_drift !== undefined) assert.equal(result.pvalue < 0.01, c.expect_drift);
    });
  }

  it('is symmetric in its two samples', () => {
    const c = ks.cases.find((item) => item.name === 'small_8_11')!;
    assert.deepEqual(ks2Sample(sorted(c.y), sorted(c.x)), ks2Sample(sorted(c.x), sorted(c.y)));
  });

  it('counts ties on both sides before comparing the ECDFs', () => {
    assert.equal(ksStatistic([1, 1, 2], [1, 2, 2]), 1 / 3);
    assert.equal(ksStatistic([5, 5, 5], [5, 5]), 0);
    assert.equal(ks2Sample([5, 5, 5], [5, 5]).pvalue, 1);
  });

  it('refuses an empty sample', () => {
    assert.throws(() => ks2Sample([], [1]), RangeError);
  });
});

describe('kstwo.sf (asymptotic path) against scipy.stats.kstwo.sf', () => {
  it(`matches on a ${kstwo.grid.length}-point grid covering every region of scipy's _kolmogn`, () => {
    for (const point of kstwo.grid) {
      assertClose(kolmogorovSurvival(point.n, point.x), point.sf, 1e-8, 1e-300, `n=${point.n} x=${point.x}`);
    }
  });

  it('handles the edges', () => {
    assert.equal(kolmogorovSurvival(10, 0), 1);
    assert.equal(kolmogorovSurvival(10, 1), 0);
    assert.ok(Number.isNaN(kolmogorovSurvival(0, 0.5)));
  });
});
