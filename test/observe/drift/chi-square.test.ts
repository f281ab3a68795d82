import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chiSquareContingency, chiSquareGoodnessOfFit } from '../../../src/observe/drift/chi-square.js';
import {
  chiSquareSurvival,
  logGamma,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../../src/observe/drift/special.js';
import { assertClose, driftFixture } from './fixtures.js';

interface ChiFixture {
  chi2_sf: Array<{ x: number; dof: number; sf: number }>;
  goodness_of_fit: Array<{ observed: number[]; expected: number[]; statistic: number; pvalue: number }>;
  contingency: Array<{
    name: string;
    table: number[][];
    statistic: number;
    pvalue: number;
    dof: number;
    expect_drift?: boolean;
  }>;
}
const fixture = driftFixture<ChiFixture>('chi_square.json');

// Stated tolerances against scipy 1.17: chi-square survival 1e-10 relative down to 1e-100
// (the regularised incomplete gamma; worst seen 2e-13); statistics 1e-12 relative.
describe('chi-square survival function against scipy.stats.chi2.sf', () => {
  it(`matches on ${fixture.chi2_sf.length} points, dof 1–300, p from 0.5 to 1e-100`, () => {
    for (const point of fixture.chi2_sf) {
      assertClose(chiSquareSurvival(point.x, point.dof), point.sf, 1e-10, 1e-300, `x=${point.x} dof=${point.dof}`);
    }
  });

  it('has the textbook values and limits', () => {
    assertClose(chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-12, 0, 'χ²₁ 95th percentile');
    assert.equal(chiSquareSurvival(0, 3), 1);
    assert.equal(chiSquareSurvival(Infinity, 3), 0);
    assert.ok(Number.isNaN(chiSquareSurvival(1, 0)));
  });

  it('keeps P + Q = 1 and Γ(n) = (n−1)!', () => {
    for (const [a, x] of [
      [0.5, 0.2],
      [3, 2],
      [10, 15],
      [50, 49],
    ] as const) {
      assertClose(regularizedGammaP(a, x) + regularizedGammaQ(a, x), 1, 1e-14, 0, `a=${a} x=${x}`);
    }
    assertClose(logGamma(6), Math.log(120), 1e-14, 0, 'ln Γ(6)');
    assertClose(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14, 0, 'ln Γ(1/2)');
  });
});

describe('chi-square tests against scipy.stats', () => {
  for (const c of fixture.goodness_of_fit) {
    it(`chisquare(${JSON.stringify(c.observed)}, ${JSON.stringify(c.expected)})`, () => {
      const result = chiSquareGoodnessOfFit(c.observed, c.expected);
      assertClose(result.statistic, c.statistic, 1e-12, 1e-15, 'statistic');
      assertClose(result.pvalue, c.pvalue, 1e-10, 1e-300, 'p-value');
    });
  }

  for (const c of fixture.contingency) {
    it(`chi2_contingency ${c.name}`, () => {
      const result = chiSquareContingency(c.table);
      assert.equal(result.dof, c.dof);
      assertClose(result.statistic, c.statistic, 1e-12, 1e-15, 'statistic');
      assertClose(result.pvalue, c.pvalue, 1e-10, 1e-300, 'p-value');
      if (c.expect_drift !== undefined) assert.equal(result.pvalue < 0.01, c.expect_drift);
    });
  }

  it('drops categories absent from both samples instead of dividing by zero', () => {
    const withEmpty = chiSquareContingency([
      [10, 0, 20],
      [15, 0, 5],
    ]);
    const without = chiSquareContingency([
      [10, 20],
      [15, 5],
    ]);
    assert.deepEqual(withEmpty, without);
    assert.deepEqual(chiSquareContingency([[10], [20]]), { statistic: 0, pvalue: 1, dof: 0 });
  });

  it('rejects expected counts that do not add up to the observed ones', () => {
    assert.throws(() => chiSquareGoodnessOfFit([1, 2], [1, 1]), RangeError);
  });
});
