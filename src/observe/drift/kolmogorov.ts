/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n,
 * Pr(D_n > x) — scipy.stats.kstwo.sf(x, n), which ks_2samp uses for its asymptotic p-value.
 * Follows scipy's `_ksstats._kolmogn` (Simard & L'Ecuyer 2011 choice of algorithm per region):
 * Ruben–Gambino closed forms at the ends, 2·Smirnov (one-sided, Birnbaum–Tingey sum) in the upper
 * tail, the Durbin matrix (Marsaglia–Tsang–Wang) for small n·x², Pelz–Good's series otherwise.
 * One deliberate difference: where scipy uses Pomeranz's recursion (n ≤ 140, 0.75 < n·x² ≤ 4) this
 * uses the Durbin matrix, which is exact as well; both agree to ~1e-12.
 */

const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SCALE_EXP = 128;
const SCALE_UP = 2 ** SCALE_EXP;
const SCALE_DOWN = 2 ** -SCALE_EXP;
// B_{2j}/(2j)/(2j−1) for j = 8 … 1, highest power first (as np.polyval takes them), written to
// scipy's digits; the double nearest each is what runs.
/* eslint-disable no-loss-of-precision */
const STIRLING = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];
/* eslint-enable no-loss-of-precision */

/** Pr(D_n > x) for integer n ≥ 1. */
export function kolmogorovSurvival(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: for 1/2n ≤ x ≤ 1/n the CDF is n!/n^n (2t − 1)^n.
    if (t <= 0.5) return 1;
    const cdf = n <= 140 ? productCdf(n, t) : Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clamp01(1 - cdf);
  }
  if (t >= n - 1) return clamp01(2 * (1 - x) ** n);
  if (x >= 0.5) return clamp01(2 * smirnov(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 4) return clamp01(1 - durbinCdf(n, x));
    return clamp01(2 * smirnov(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clamp01(2 * smirnov(n, x));
  if (nxSquared >= 18) return 0;
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clamp01(1 - cdf);
}

function productCdf(n: number, t: number): number {
  let p = 1;
  for (let i = 1; i <= n; i++) p *= i * (1 / n) * (2 * t - 1);
  return p;
}

/** log(n! / n^n) by Stirling's series with n·log n removed up front (no cancellation). */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/**
 * One-sided Smirnov survival Pr(D+_n > x) by the Birnbaum–Tingey sum
 * x · Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v), terms summed in logs.
 */
export function smirnov(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const last = Math.floor(n * (1 - x));
  const logs = new Float64Array(last + 1);
  let top = -Infinity;
  const logFactN = logFactorial(n);
  for (let v = 0; v <= last; v++) {
    const evn = x + v / n;
    const rest = 1 - evn;
    const logBinom = logFactN - logFactorial(v) - logFactorial(n - v);
    let log: number;
    if (rest > 0) log = logBinom + (v - 1) * Math.log(evn) + (n - v) * Math.log(rest);
    else log = n - v === 0 ? logBinom + (v - 1) * Math.log(evn) : -Infinity;
    logs[v] = log;
    if (log > top) top = log;
  }
  if (top === -Infinity) return 0;
  let sum = 0;
  for (let v = 0; v <= last; v++) sum += Math.exp(logs[v]! - top);
  return Math.exp(Math.log(x) + top + Math.log(sum));
}

const factorialCache: number[] = [0];
function logFactorial(k: number): number {
  if (k < 1024) {
    for (let i = factorialCache.length; i <= k; i++) factorialCache[i] = factorialCache[i - 1]! + Math.log(i);
    return factorialCache[k]!;
  }
  // Stirling with the Bernoulli terms: relative error far below double precision for k ≥ 1024.
  const r = 1 / (k + 1);
  const series = r * (1 / 12 - r * r * (1 / 360 - r * r * (1 / 1260 - (r * r) / 1680)));
  return (k + 0.5) * Math.log(k + 1) - (k + 1) + LOG_2PI / 2 + series;
}

/** Pr(D_n ≤ d), Durbin's matrix method as in Marsaglia, Tsang & Wang (2003). */
export function durbinCdf(n: number, d: number): number {
  const nd = n * d;
  if (d >= 1) return 1;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * factorial;
  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1]!;
  for (let r = 0; r < m; r++) H[r * m] = v[r]!;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c]!;

  let power: Float64Array = identity(m);
  let exponent = 0;
  let hExponent = 0;
  for (let nn = n; nn > 0; nn = Math.floor(nn / 2)) {
    if (nn % 2 === 1) {
      power = multiply(power, H, m);
      exponent += hExponent;
    }
    H = multiply(H, H, m);
    hExponent *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]!) > SCALE_UP) {
      for (let i = 0; i < H.length; i++) H[i]! *= SCALE_DOWN;
      hExponent += SCALE_EXP;
    }
  }
  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXP;
    }
  }
  return clamp01(ldexp(p, exponent));
}

function identity(m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) out[i * m + i] = 1;
  return out;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l]!;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j]! += ail * b[l * m + j]!;
    }
  }
  return out;
}

/** Pelz–Good (1976) asymptotic series for Pr(D_n ≤ x), scipy's `_kolmogn_PelzGood`. */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m4 * m2];
    for (let i = 0; i < 4; i++) K[i] = K[i]! * qpower + coeffs[i]!;
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT_2PI) / divisors[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * k2 * qk;
  }
  K[2] = K[2]! + (k2extra * PI2 * SQRT_2PI) / (-36 * z * z2);
  K[3] = K[3]! + (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i]! / n ** (i / 2);
  return sum;
}

/** x · 2^e without intermediate overflow or underflow of the power. */
function ldexp(x: number, e: number): number {
  let out = x;
  let rest = e;
  while (rest > 512) {
    out *= 2 ** 512;
    rest -= 512;
  }
  while (rest < -512) {
    out *= 2 ** -512;
    rest += 512;
  }
  return out * 2 ** rest;
}

function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}
