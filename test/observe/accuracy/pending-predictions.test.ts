import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PendingPredictions } from '../../../src/observe/accuracy/pending-predictions.js';
import { seededRandom } from '../../../src/observe/drift/sample.js';

const T0 = 1_700_000_000_000;

/** The store's rules said plainly: a Map in recording order (a re-recorded id moves to the end). */
class Reference {
  readonly entries = new Map<string, { time: number; predictions: ReadonlyArray<unknown> }>();
  rows = 0;
  constructor(
    private readonly maxRows: number,
    private readonly maxAgeMs: number,
  ) {}

  record(id: string, predictions: ReadonlyArray<unknown>, now: number): void {
    this.forget(id);
    if (predictions.length === 0 || predictions.length > this.maxRows) return;
    this.entries.set(id, { time: now, predictions });
    this.rows += predictions.length;
    for (const [oldest, entry] of this.entries) {
      if (this.rows <= this.maxRows && entry.time >= now - this.maxAgeMs) break;
      this.forget(oldest);
    }
  }

  forget(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.rows -= entry.predictions.length;
    this.entries.delete(id);
  }
}

describe('PendingPredictions', () => {
  it('keeps what a plain Map in recording order keeps, through growth, evictions, re-recorded and odd ids', () => {
    const random = seededRandom(7);
    const maxRows = 700;
    const maxAgeMs = 5_000;
    const store = new PendingPredictions(maxRows, maxAgeMs);
    const reference = new Reference(maxRows, maxAgeMs);
    const idOf = (n: number) =>
      n % 11 === 0 ? `long-${'x'.repeat(60)}-${n}` : n % 13 === 0 ? `ünï-✓-${n}` : n % 17 === 0 ? '' : `r${n}`;
    const valueOf = (n: number): unknown =>
      n % 3 === 0 ? n + 0.5 : n % 3 === 1 ? `class-${n % 5}` : n % 2 === 0 ? { n } : null;
    let now = T0;
    for (let step = 0; step < 60_000; step++) {
      now += Math.floor(random() * 3);
      const id = idOf(Math.floor(random() * 2_000));
      const action = random();
      if (action < 0.75) {
        const rows = random() < 0.8 ? 1 : Math.floor(random() * 40);
        const predictions = Array.from({ length: rows }, (_, i) => valueOf(step + i));
        store.record(id, predictions, now);
        reference.record(id, predictions, now);
      } else {
        const found = store.lookup(id);
        const expected = reference.entries.get(id);
        assert.deepEqual(
          found && { time: found.time, predictions: found.predictions },
          expected,
          `step ${step}, ${id}`,
        );
        if (found && action < 0.9) {
          store.forget(found.slot);
          reference.forget(id);
        }
      }
      assert.equal(store.size, reference.entries.size, `size at step ${step}`);
      assert.equal(store.rows, reference.rows, `rows at step ${step}`);
    }
    for (const [id, entry] of reference.entries) assert.deepEqual(store.lookup(id)?.predictions, entry.predictions);
  });

  it('holds nothing with a bound of 0 rows', () => {
    const store = new PendingPredictions(0, 1_000);
    store.record('a', [1], T0);
    assert.equal(store.lookup('a'), undefined);
    assert.equal(store.size, 0);
  });

  it('holds a one-row prediction without keeping the caller’s array, a batch’s array as given', () => {
    const store = new PendingPredictions(10, 1_000);
    const one = ['setosa'];
    const batch = [1, 2];
    store.record('one', one, T0);
    store.record('batch', batch, T0);
    assert.notEqual(store.lookup('one')?.predictions, one);
    assert.deepEqual(store.lookup('one')?.predictions, one);
    assert.equal(store.lookup('batch')?.predictions, batch);
  });
});
