/**
 * Deterministic sampling: the same data always gives the same reference sample (so a profile
 * rebuilt from the same file is byte-identical and its hash stable in the registry).
 */

/** mulberry32: a tiny, well-distributed 32-bit PRNG; plenty for picking sample indices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Up to `size` values drawn without replacement (partial Fisher–Yates with a seeded PRNG), in
 * random order — so any prefix of the result is itself a uniform random sample, which the
 * detector relies on when it takes the first k values to match the window's size.
 */
export function deterministicSample(values: ArrayLike<number>, size: number, seed: number): number[] {
  const pool = Array.from(values);
  const take = Math.min(size, pool.length);
  const random = seededRandom(seed);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    const swap = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = swap;
  }
  pool.length = take;
  return pool;
}

/** `size` values spread evenly over `values` (stride sampling), keeping their order. */
export function evenlySpaced(values: ArrayLike<number>, size: number): Float64Array {
  const n = values.length;
  if (size >= n) return Float64Array.from(values);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = values[Math.floor((i * n) / size)]!;
  return out;
}
