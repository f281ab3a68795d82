import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCallPlacement } from '../../src/runtime/call-placement.js';

describe('call placement', () => {
  it('runs the first call inline, to time it', () => {
    assert.equal(createCallPlacement(250).inline(100_000), true);
  });

  it('sends a size to the thread once its first three calls all took longer than the threshold', () => {
    const placement = createCallPlacement(250);
    placement.record(1000, 1100);
    placement.record(1000, 1200);
    assert.equal(placement.inline(1000), true); // two calls: still timed inline
    placement.record(1000, 1050);
    assert.equal(placement.inline(1000), false);
    placement.record(1, 30);
    assert.equal(placement.inline(1), true);
  });

  it('times a size never seen inline once, unless the guess from its neighbours is far over the threshold', () => {
    const placement = createCallPlacement(250);
    placement.record(1, 30); // one row, 30 µs
    assert.equal(placement.inline(128), true); // guessed 3.8 ms (it is more like 60 µs): timed inline
    placement.record(128, 60);
    assert.equal(placement.inline(128), true);
    assert.equal(placement.inline(1 << 20), false); // guessed 0.5 s: straight to the thread
  });

  it('judges a size by the fastest of its first three calls: one slow first call sends nothing to the thread', () => {
    const placement = createCallPlacement(250);
    placement.record(1, 40_000); // the first call after a load, preempted on a busy machine
    assert.equal(placement.inline(1), true);
    assert.equal(placement.inline(1, true), true);
    placement.record(1, 90);
    placement.record(1, 95);
    assert.equal(placement.inline(1), true);
    for (let i = 0; i < 3; i++) placement.record(1, 300); // a short spike: the average follows slowly
    assert.equal(placement.inline(1), true);
  });

  it('follows a size class as its calls get slower or faster, slower ones only when it lasts', () => {
    const placement = createCallPlacement(250);
    placement.record(8, 100);
    placement.record(8, 3000); // one call the OS preempted
    assert.equal(placement.inline(8), true);
    for (let i = 0; i < 10; i++) placement.record(8, 1000);
    assert.equal(placement.inline(8), false);
    for (let i = 0; i < 5; i++) placement.record(8, 50);
    assert.equal(placement.inline(8), true);
  });

  it('while the thread starts, keeps a long size inline unless it is over 64 times the threshold', () => {
    const placement = createCallPlacement(250);
    for (let i = 0; i < 3; i++) {
      placement.record(64, 400); // a 64-row batch just over the threshold
      placement.record(4096, 20_000); // one far over it
    }
    assert.equal(placement.inline(64), false);
    assert.equal(placement.inline(64, true), true);
    assert.equal(placement.inline(4096, true), false);
  });

  it('sends every call to the thread with a threshold of 0', () => {
    const placement = createCallPlacement(0);
    assert.equal(placement.inline(1), false);
    assert.equal(placement.inline(1, true), false);
    placement.record(1, 1);
    assert.equal(placement.inline(1), false);
  });
});
