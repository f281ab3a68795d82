import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlidingWindow } from '../../../src/observe/drift/window.js';

describe('SlidingWindow', () => {
  it('keeps the most recent rows by count, oldest overwritten first', () => {
    const window = new SlidingWindow(['number', 'string'], { maxRows: 3, maxAgeMs: Infinity });
    for (let i = 1; i <= 5; i++) {
      const slot = window.append(i);
      window.setNumber(0, slot, i * 10);
      window.setString(1, slot, i % 2 ? 'odd' : 'even');
    }
    assert.equal(window.size, 3);
    assert.deepEqual([...window.numbers(0)], [30, 40, 50]);
    assert.deepEqual(window.counts(1), {
      counts: new Map([
        ['odd', 2],
        ['even', 1],
      ]),
      missing: 0,
    });
    assert.deepEqual(window.span(), { oldest: 3, newest: 5 });
  });

  it('drops rows older than maxAgeMs when told the time', () => {
    const window = new SlidingWindow(['number'], { maxRows: 100, maxAgeMs: 1000 });
    for (const time of [0, 500, 900, 1600]) window.setNumber(0, window.append(time), time);
    window.evict(1600);
    assert.deepEqual([...window.numbers(0)], [900, 1600]);
    window.evict(10_000);
    assert.equal(window.size, 0);
    assert.equal(window.span(), null);
  });

  it('reads unset and NaN cells as missing', () => {
    const window = new SlidingWindow(['number', 'string'], { maxRows: 2, maxAgeMs: Infinity });
    window.setNumber(0, window.append(0), 1);
    window.append(1);
    window.append(2); // overwrites the first slot: its old value must not leak
    assert.deepEqual([...window.numbers(0)], []);
    assert.deepEqual(window.counts(1).missing, 2);
  });

  it('rejects limits that cannot bound memory', () => {
    assert.throws(() => new SlidingWindow(['number'], { maxRows: 0, maxAgeMs: 1 }), RangeError);
    assert.throws(() => new SlidingWindow(['number'], { maxRows: 1, maxAgeMs: 0 }), RangeError);
  });
});
