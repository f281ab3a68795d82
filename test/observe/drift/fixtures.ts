/**
 * Loads the scipy/numpy reference values written by scripts/fixtures/drift_reference.py, and
 * the comparison helpers and seeded samples the drift tests share.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { seededRandom } from '../../../src/observe/drift/sample.js';

export function driftFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/drift/${name}`, import.meta.url), 'utf8')) as T;
}

/**
 * |actual − expected| ≤ max(rtol·|expected|, atol). The absolute floor lets values that
 * underflow to 0 on one side match ~1e-300 on the other.
 */
export function assertClose(actual: number, expected: number, rtol: number, atol: number, label: string): void {
  const tolerance = Math.max(rtol * Math.abs(expected), atol);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${label}: got ${actual}, expected ${expected} (tolerance ${tolerance})`,
  );
}

/** Ascending Float64Array of plain numbers. */
export function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** `count` draws from a normal distribution of this mean and unit variance (Box–Muller), reproducible by seed. */
export function normals(count: number, mean: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from(
    { length: count },
    () => mean + Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  );
}
