/**
 * Quantiles and moments of numeric columns, computed the way numpy does so that the bin edges
 * Berth stores agree bit for bit with the fixture script's `np.quantile` (a value lying exactly on
 * an edge must fall in the same bin on both sides, which matters for discrete features).
 */

/** Ascending copy without NaN. */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) count++;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isNaN(value)) out[k++] = value;
  }
  return out.sort();
}

/**
 * Quantile `q` ∈ [0, 1] of ascending `sorted`, numpy's default method 'linear' (Hyndman & Fan
 * type 7): position q·(n−1), linear interpolation written as numpy's `_lerp`, which switches to
 * `b − (b−a)(1−t)` for t ≥ 0.5 so the result is exact at both ends.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = q * (n - 1);
  const below = Math.floor(position);
  if (below >= n - 1) return sorted[n - 1]!;
  if (below < 0) return sorted[0]!;
  const t = position - below;
  const a = sorted[below]!;
  const b = sorted[below + 1]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Evenly spaced levels 0 … 1 in `parts` steps, as `np.linspace(0, 1, parts + 1)` computes them
 * (i·step with the last level set to exactly 1), so 0.30000000000000004 stays what numpy uses.
 */
export function linspaceLevels(parts: number): number[] {
  const step = 1 / parts;
  const levels: number[] = [];
  for (let i = 0; i < parts; i++) levels.push(i * step);
  levels.push(1);
  return levels;
}

export interface Moments {
  count: number;
  mean: number;
  /** Population standard deviation (ddof = 0, numpy's default). */
  std: number;
  min: number;
  max: number;
}

/** Count, mean, std, min, max of ascending finite values (two passes for a stable variance). */
export function momentsSorted(sorted: Float64Array): Moments {
  const count = sorted.length;
  if (count === 0) return { count: 0, mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN };
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sorted[i]!;
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (sorted[i]! - mean) ** 2;
  return { count, mean, std: Math.sqrt(squares / count), min: sorted[0]!, max: sorted[count - 1]! };
}
