import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../src/observe/drift/sample.js';
import { byPrecision, shortestFloat32 } from '../../src/protocol/shortest-float32.js';

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

function same(value: number): void {
  const got = shortestFloat32(value);
  const expected = Number.isInteger(value) || !Number.isFinite(value) ? value : byPrecision(value);
  if (!Object.is(got, expected)) assert.fail(`${value}: ${got}, expected ${expected}`);
  if (Number.isFinite(value) && Math.fround(got) !== value) assert.fail(`${value}: ${got} does not read back`);
}

describe('shortestFloat32', () => {
  it('gives what toPrecision(6…9) gives, on float32s drawn from every bit pattern', () => {
    const random = seededRandom(32);
    for (let i = 0; i < 400_000; i++) {
      bits[0] = Math.floor(random() * 2 ** 32);
      same(asFloat[0]!);
    }
  });

  it('gives what toPrecision(6…9) gives on probabilities, short decimals and their neighbours', () => {
    const random = seededRandom(33);
    for (let i = 0; i < 300_000; i++) same(Math.fround(random()));
    for (let digits = 1; digits <= 9; digits++) {
      const scale = 10 ** digits;
      for (let i = 0; i < 20_000; i++) {
        const value = Math.fround((Math.floor(random() * scale) + (i % 2 === 0 ? 0.5 : 0)) / scale);
        bits[0] = 0;
        asFloat[0] = value;
        const at = bits[0];
        for (const step of [-1, 0, 1]) {
          bits[0] = at + step;
          same(asFloat[0]!);
          same(-asFloat[0]!);
        }
      }
    }
  });

  it('keeps powers of ten, the ends of float32 and what is not a float32 as they are meant', () => {
    for (let k = -45; k <= 38; k++) {
      const value = Math.fround(Number(`1e${k}`));
      bits[0] = 0;
      asFloat[0] = value;
      const at = bits[0];
      for (const step of [-2, -1, 0, 1, 2]) {
        bits[0] = at + step;
        same(asFloat[0]!);
      }
    }
    for (const value of [0, -0, 1, -3, 1.5, 0.95, 3.4028234663852886e38, 1.401298464324817e-45, 2 ** -126])
      same(Math.fround(value));
    assert.equal(shortestFloat32(Math.fround(0.95)), 0.95);
    assert.equal(shortestFloat32(0.1), 0.1, 'not a float32: as given');
    assert.ok(Number.isNaN(shortestFloat32(Number.NaN)));
    assert.equal(shortestFloat32(-Infinity), -Infinity);
  });
});
