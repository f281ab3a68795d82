/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, following scipy.stats.ks_2samp with its default
 * method='auto' (scipy 1.17, `_stats_py.py` and `_stats_pythran.py`):
 *
 * - the statistic D = sup |F1 − F2| over the pooled sample (ties handled like searchsorted 'right');
 * - exact p-value when max(n1, n2) ≤ 10 000: Hodges' lattice-path count, as
 *   `_compute_prob_outside_square` for n1 = n2 and Viehmann's "inside method" recursion for 1 − p
 *   otherwise; D is rounded to h / lcm(n1, n2) as scipy does;
 * - otherwise (or when the exact value is not a probability) the asymptotic p-value
 *   kstwo.sf(D, round(n1·n2 / (n1 + n2))) — see kolmogorov.ts.
 */
import { kolmogorovSurvival } from './kolmogorov.js';

/** scipy's MAX_AUTO_N: up to this sample size 'auto' computes the exact distribution. */
export const maxExactSampleSize = 10_000;

export interface KsResult {
  statistic: number;
  pvalue: number;
  method: 'exact' | 'asymptotic';
}

/** D = sup_x |F1(x) − F2(x)| of two ascending samples without NaN. */
export function ksStatistic(sorted1: ArrayLike<number>, sorted2: ArrayLike<number>): number {
  const n1 = sorted1.length;
  const n2 = sorted2.length;
  let i = 0;
  let j = 0;
  let d = 0;
  // Walk the pooled values in order; advance past every copy of the current value on both sides
  // before comparing, which is what evaluating both ECDFs with side='right' amounts to.
  while (i < n1 && j < n2) {
    const x = Math.min(sorted1[i]!, sorted2[j]!);
    while (i < n1 && sorted1[i]! <= x) i++;
    while (j < n2 && sorted2[j]! <= x) j++;
    const diff = Math.abs(i / n1 - j / n2);
    if (diff > d) d = diff;
  }
  return d;
}

/** Two-sided two-sample KS test of two ascending samples without NaN (both non-empty). */
export function ks2Sample(sorted1: ArrayLike<number>, sorted2: ArrayLike<number>): KsResult {
  const n1 = sorted1.length;
  const n2 = sorted2.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2Sample: both samples must be non-empty');
  let d = ksStatistic(sorted1, sorted2);
  if (Math.max(n1, n2) <= maxExactSampleSize) {
    const exact = exactPValue(n1, n2, d);
    if (exact.pvalue >= 0 && exact.pvalue <= 1)
      return { statistic: exact.statistic, pvalue: exact.pvalue, method: 'exact' };
    d = exact.statistic; // scipy falls back with the rounded statistic
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = roundHalfEven((m * n) / (m + n));
  return { statistic: d, pvalue: clamp01(kolmogorovSurvival(en, d)), method: 'asymptotic' };
}

/** `_attempt_exact_2kssamp` for the two-sided alternative. */
function exactPValue(n1: number, n2: number, d: number): { statistic: number; pvalue: number } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pvalue: 1 };
  const pvalue = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  return { statistic, pvalue };
}

/**
 * Pr(D_{n,n} ≥ h/n) = 2·Σ_k (−1)^(k−1) C(2n, n−kh) / C(2n, n), evaluated Horner-style on ratios of
 * binomials to avoid the subtractive cancellation of the plain sum (scipy's comment, same order
 * of operations so the floating-point result matches).
 */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * Proportion of lattice paths (0,0)→(m,n) that leave the band |x/m − y/n| < h/lcm, computed
 * directly as a probability (Viehmann 2021, arXiv:2102.08037) over a sliding window of one
 * column, so memory is O(band) and nothing overflows.
 */
function outerProbInside(first: number, second: number, g: number, h: number): number {
  const m = Math.max(first, second);
  const n = Math.min(first, second);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let value = minj === 0 ? 0 : 1;
    const shift = minj - lastminj;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      value = (a[jj + shift]! * i + value * j) / (i + j);
      a[jj] = value;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, curlen, Math.min(lastlen, a.length));
  }
  return a[maxj - minj - 1]!;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy's np.round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}
