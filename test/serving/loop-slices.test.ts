import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { LoopSlices } from '../../src/serving/loop-slices.js';

/** The slices' clock, moved by the test: a request's parse or encode as the time it spends. */
function testClock() {
  let ms = 0;
  return { now: () => ms, spend: (spent: number) => void (ms += spent) };
}

/** Counts event-loop turns (one increment per check phase) until the test ends, passed or not. */
function turnCounter(t: TestContext) {
  let turns = 0;
  let on = true;
  const next = () => {
    turns++;
    if (on) setImmediate(next);
  };
  setImmediate(next);
  t.after(() => (on = false));
  return {
    get turns() {
      return turns;
    },
  };
}

/** Slices of 1 ms whose current slice a request went on in and then spent. */
function spentSlice() {
  const clock = testClock();
  const slices = new LoopSlices(1000, clock.now);
  assert.equal(slices.wait(4096), undefined);
  clock.spend(3);
  return { slices, clock };
}

describe('loop slices', () => {
  it('let work go on at once (no promise) while the slice has time and nobody waits', () => {
    const clock = testClock();
    const slices = new LoopSlices(1000, clock.now);
    assert.equal(slices.wait(4096), undefined);
    clock.spend(0.9);
    assert.equal(slices.wait(4096), undefined, 'still within the slice');
    assert.equal(slices.waiting, 0);
    assert.equal(slices.oldestWaitMs(), 0);
  });

  it('queue work once the slice is spent, and let it go in order, one spent slice per event-loop turn', async (t) => {
    const counter = turnCounter(t);
    const { slices, clock } = spentSlice();
    const order: number[] = [];
    const turnOf: number[] = [];
    const waits = Array.from({ length: 5 }, (_, index) => {
      const turn = slices.wait(4096);
      assert.ok(turn, `waiter ${index} waits: the slice is spent`);
      return turn.then(() => {
        order.push(index);
        turnOf.push(counter.turns);
        clock.spend(3); // each waiter's work spends a whole slice
      });
    });
    assert.equal(slices.waiting, 5);
    await Promise.all(waits);
    assert.deepEqual(order, [0, 1, 2, 3, 4], 'first come, first served');
    assert.equal(new Set(turnOf).size, 5, `each in a turn of its own (turns ${turnOf.join(', ')})`);
    assert.equal(slices.waiting, 0);
  });

  it('let several cheap waiters go in one turn', async (t) => {
    const counter = turnCounter(t);
    const { slices } = spentSlice();
    const turnOf: number[] = [];
    await Promise.all(Array.from({ length: 5 }, () => slices.wait(4096)!.then(() => turnOf.push(counter.turns))));
    assert.equal(new Set(turnOf).size, 1, `all in one turn (turns ${turnOf.join(', ')})`);
  });

  it('never hold up a small request', () => {
    const { slices } = spentSlice();
    assert.ok(slices.wait(4096), 'a large one waits: the slice is spent');
    assert.equal(slices.wait(100), undefined, 'a small one goes on, even past a queue');
  });

  it('are off with a slice of 0', () => {
    const clock = testClock();
    const slices = new LoopSlices(0, clock.now);
    assert.equal(slices.wait(4096), undefined);
    clock.spend(2);
    assert.equal(slices.wait(4096), undefined);
  });
});
