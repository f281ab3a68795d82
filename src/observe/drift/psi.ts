/**
 * Population Stability Index, numeric and categorical.
 *
 * Definition (the fixture script's numpy PSI implements exactly this):
 *
 *   PSI = Σ_k (a'_k − e'_k) · ln(a'_k / e'_k)
 *
 * where e_k and a_k are the reference ("expected") and current ("actual") proportions of
 * non-missing values in bucket k, and x' = x when x > 0, else ε (default 1e-4). Zeros are
 * replaced, small non-zero proportions are kept and nothing is renormalised — the convention of
 * Evidently's `psi` stattest, so the two tools give the same number on the same buckets.
 *
 * Numeric buckets come from the reference only: edges are the reference quantiles at levels
 * 0, 1/B, …, 1 (numpy 'linear'); the B−1 interior edges, deduplicated, are the cut points; bucket
 * k holds the values v with cut[k−1] ≤ v < cut[k] (`np.searchsorted(cuts, v, side='right')`), the
 * first and last buckets are open-ended so live values beyond the reference range still count.
 * Categorical buckets are the union of reference and current categories.
 */
import { linspaceLevels, quantileSorted } from './quantile.js';

export const defaultPsiEpsilon = 1e-4;

/** PSI between two proportion vectors of the same length (see the definition above). */
export function psi(expected: ArrayLike<number>, actual: ArrayLike<number>, epsilon = defaultPsiEpsilon): number {
  if (expected.length !== actual.length)
    throw new RangeError(`psi: ${expected.length} expected vs ${actual.length} actual buckets`);
  let total = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k]! > 0 ? expected[k]! : epsilon;
    const a = actual[k]! > 0 ? actual[k]! : epsilon;
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

/** Interior cut points from ascending reference values: quantiles at k/bins, deduplicated. */
export function quantileCuts(sortedReference: ArrayLike<number>, bins: number): number[] {
  if (sortedReference.length === 0 || bins < 2) return [];
  const levels = linspaceLevels(bins);
  const cuts: number[] = [];
  for (let k = 1; k < bins; k++) {
    const edge = quantileSorted(sortedReference, levels[k]!);
    if (cuts.length === 0 || edge > cuts[cuts.length - 1]!) cuts.push(edge);
  }
  return cuts;
}

/** Bucket of `value`: the number of cuts ≤ value (binary search; NaN must be filtered first). */
export function bucketOf(cuts: readonly number[], value: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts of non-NaN values per bucket (length cuts.length + 1). */
export function bucketCounts(cuts: readonly number[], values: ArrayLike<number>): Float64Array {
  const counts = new Float64Array(cuts.length + 1);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isNaN(value)) counts[bucketOf(cuts, value)]! += 1;
  }
  return counts;
}

/** Counts divided by their total; all zeros when the total is zero. */
export function proportions(counts: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  return Array.from(counts, (count) => (total > 0 ? count / total : 0));
}

/** PSI of numeric current values against stored reference cuts and bucket proportions. */
export function numericPsi(
  cuts: readonly number[],
  referenceProportions: ArrayLike<number>,
  current: ArrayLike<number>,
  epsilon = defaultPsiEpsilon,
): number {
  return psi(referenceProportions, proportions(bucketCounts(cuts, current)), epsilon);
}

/** Reference and current counts aligned on the union of their categories (reference order first). */
export function alignCategories(
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
): { categories: string[]; reference: number[]; current: number[] } {
  const categories = [...reference.keys()];
  for (const key of current.keys()) if (!reference.has(key)) categories.push(key);
  return {
    categories,
    reference: categories.map((key) => reference.get(key) ?? 0),
    current: categories.map((key) => current.get(key) ?? 0),
  };
}

/** PSI of categorical counts; categories seen on one side only get ε on the other. */
export function categoricalPsi(
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
  epsilon = defaultPsiEpsilon,
): number {
  const aligned = alignCategories(reference, current);
  return psi(proportions(aligned.reference), proportions(aligned.current), epsilon);
}
