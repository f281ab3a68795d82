import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Admission, type ShedReason } from '../../src/serving/admission.js';

const block = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // hold the event loop, as a flood's long turns do
  }
};
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('admission', () => {
  it('gives bodies still arriving bytes but no slot, and frees both when the reply is done', () => {
    const shed: ShedReason[] = [];
    const admission = new Admission(
      { maxInFlight: 1, maxBodyBytesInFlight: 100, maxBodyBytes: 80, maxEventLoopLagMs: 0, maxSojournMs: 0 },
      (reason) => shed.push(reason),
    );
    const uploading = admission.enter(60).ticket!;
    const second = admission.enter(30).ticket!;
    assert.ok(admission.enter(20).refusal, '60 + 30 + 20 bytes pass the budget of 100');
    admission.handle(second);
    assert.equal(admission.enter(0).refusal?.status, 429, 'the one slot is taken by the request whose body arrived');
    assert.equal(admission.enter(0, true).refusal, undefined, 'probes are never refused');
    admission.leave(second);
    admission.leave(uploading);
    assert.equal(admission.enter(80).refusal, undefined, 'all free again');
    assert.deepEqual(shed, ['body_bytes', 'in_flight']);
    assert.equal(
      admission.declaredBytes({ 'transfer-encoding': 'chunked' }),
      80,
      'a chunked body counts as the body limit',
    );
    assert.equal(admission.declaredBytes({ 'content-length': '999999' }), 80);
    assert.equal(admission.declaredBytes({}), 0);
  });

  it('lets long turns pass while fewer than two requests are handled (a model loading, a busy machine)', async () => {
    const admission = new Admission({
      maxInFlight: 100,
      maxBodyBytesInFlight: 100,
      maxBodyBytes: 100,
      maxEventLoopLagMs: 100,
      maxSojournMs: 0,
    });
    try {
      admission.handle(admission.enter(0).ticket!);
      for (let round = 0; round < 4; round++) {
        block(300);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await tick(1);
      assert.equal(admission.enter(0).refusal, undefined);
    } finally {
      admission.close();
    }
  });

  it('sheds while the event loop runs late on two ticks in a row, and admits again once it keeps time', async () => {
    const admission = new Admission({
      maxInFlight: 100,
      maxBodyBytesInFlight: 100,
      maxBodyBytes: 100,
      maxEventLoopLagMs: 100,
      maxSojournMs: 0,
    });
    try {
      // Two requests being handled: the long turns are requests queueing.
      for (let i = 0; i < 2; i++) admission.handle(admission.enter(0).ticket!);
      // Long turns back to back, as under a flood: every tick of the lag timer comes late.
      for (let round = 0; round < 4; round++) {
        block(300);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await tick(1);
      const refused = admission.enter(0).refusal;
      assert.equal(refused?.status, 429);
      assert.match(refused!.message, /event loop runs more than 100 ms late, so it handles \d+ at once/);
      assert.ok(admission.concurrencyLimit <= 2, 'halved from the two in flight, not from maxInFlight');
      assert.equal(refused!.headers['retry-after'], '1');
      // Calm ticks (bounded wait): the loop keeps time again and requests are admitted.
      for (let waited = 0; admission.enter(0).refusal && waited < 5000; waited += 60) await tick(60);
      assert.equal(admission.enter(0).refusal, undefined);
    } finally {
      admission.close();
    }
  });

  it('sheds while requests queue in the server (a standing queue), not for a request that is merely long', async () => {
    const admission = new Admission({
      maxInFlight: 100,
      maxBodyBytesInFlight: 100,
      maxBodyBytes: 100,
      maxEventLoopLagMs: 0,
      maxSojournMs: 100,
    });
    const long = admission.enter(0).ticket!;
    admission.handle(long);
    await tick(600);
    assert.equal(admission.enter(0).refusal, undefined, 'one long request alone is no queue');
    const waiting = [admission.enter(0).ticket!, admission.enter(0).ticket!];
    waiting.forEach((ticket) => admission.handle(ticket));
    await tick(600);
    const refused = admission.enter(0).refusal;
    assert.equal(refused?.status, 429, 'three requests held past the limit, none finished in a whole window');
    assert.match(refused!.message, /requests wait more than 100 ms in it/);
    [long, ...waiting].forEach((ticket) => admission.leave(ticket));
    assert.equal(admission.enter(0).refusal, undefined, 'with nothing held there is no queue');
  });

  it('sheds while a request has waited past the sojourn limit for a loop slice, and admits again once it went on', async () => {
    const shed: ShedReason[] = [];
    const admission = new Admission(
      {
        maxInFlight: 100,
        maxBodyBytesInFlight: 100,
        maxBodyBytes: 100,
        maxEventLoopLagMs: 0,
        maxSojournMs: 50,
        loopSliceMicros: 1000,
      },
      (reason) => shed.push(reason),
    );
    assert.equal(admission.slices.wait(4096), undefined);
    block(3); // the slice is spent
    const waiter = admission.slices.wait(4096);
    assert.ok(waiter, 'the next request waits for a slice');
    block(60); // it has waited past 50 ms, however fast this machine is
    const { refusal } = admission.enter(0);
    assert.equal(refusal?.status, 429);
    assert.equal(refusal!.headers['retry-after'], '1');
    assert.match(refusal!.message, /requests wait more than 50 ms in it/);
    assert.deepEqual(shed, ['standing_queue']);
    await waiter;
    assert.equal(admission.enter(0).refusal, undefined, 'nobody waits any more');
  });
});
