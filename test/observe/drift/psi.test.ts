import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bucketOf,
  categoricalPsi,
  numericPsi,
  proportions,
  bucketCounts,
  psi,
  quantileCuts,
} from '../../../src/observe/drift/psi.js';
import { linspaceLevels, quantileSorted } from '../../../src/observe/drift/quantile.js';
import { assertClose, driftFixture, sorted } from './fixtures.js';

interface PsiFixture {
  epsilon: number;
  numeric: Array<{
    name: string;
    reference: number[];
    current: number[];
    bins: number;
    cuts: number[];
    expected: number[];
    actual: number[];
    psi: number;
    expect_drift?: boolean;
  }>;
  categorical: Array<{ name: string; reference: Record<string, number>; current: Record<string, number>; psi: number }>;
}
const fixture = driftFixture<PsiFixture>('psi.json');

// Stated tolerances against the fixture's numpy PSI (same documented binning): cut points
// identical (np.quantile reproduced bit for bit), proportions and PSI within 1e-12.
describe('numeric PSI against the numpy reference', () => {
  for (const c of fixture.numeric) {
    it(`${c.name} (${c.bins} bins)`, () => {
      const cuts = quantileCuts(sorted(c.reference), c.bins);
      assert.deepEqual(cuts, c.cuts);
      const expected = proportions(bucketCounts(cuts, c.reference));
      expected.forEach((value, k) => assertClose(value, c.expected[k]!, 0, 1e-12, `expected[${k}]`));
      const value = numericPsi(cuts, expected, c.current, fixture.epsilon);
      assertClose(value, c.psi, 0, 1e-12, 'psi');
      if (c.expect_drift !== undefined) assert.equal(value > 0.2, c.expect_drift);
    });
  }

  it('puts values on a cut in the upper bucket and values beyond the range in the end buckets', () => {
    const cuts = [1, 2, 3];
    assert.deepEqual(
      [-100, 0.5, 1, 1.5, 2, 3, 100].map((value) => bucketOf(cuts, value)),
      [0, 0, 1, 1, 2, 3, 3],
    );
  });

  it('reproduces numpy linspace levels and linear quantiles', () => {
    assert.equal(linspaceLevels(10)[3], 3 * 0.1); // 0.30000000000000004, as numpy has it
    assert.equal(linspaceLevels(10)[10], 1);
    assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
    assert.equal(quantileSorted([7], 0.3), 7);
  });
});

describe('PSI definition', () => {
  it('is zero for identical distributions and replaces only empty buckets with epsilon', () => {
    assert.equal(psi([0.5, 0.5], [0.5, 0.5]), 0);
    assertClose(
      psi([0.5, 0.5, 0], [0.5, 0.4, 0.1]),
      (0.4 - 0.5) * Math.log(0.4 / 0.5) + (0.1 - 1e-4) * Math.log(0.1 / 1e-4),
      1e-15,
      0,
      'psi',
    );
  });

  for (const c of fixture.categorical) {
    it(`categorical ${c.name} against numpy`, () => {
      const value = categoricalPsi(
        new Map(Object.entries(c.reference)),
        new Map(Object.entries(c.current)),
        fixture.epsilon,
      );
      assertClose(value, c.psi, 0, 1e-12, 'psi');
    });
  }
});
