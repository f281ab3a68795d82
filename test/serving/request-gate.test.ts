import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Settings } from '../../src/core/config.js';
import { defaults } from '../../src/core/defaults.js';
import { BerthError } from '../../src/core/errors.js';
import { createMetrics } from '../../src/observe/metrics.js';
import type { RequestContext } from '../../src/serving/request-context.js';
import { RequestGate, type Arrival } from '../../src/serving/request-gate.js';

/** The one way in for HTTP and gRPC: these are the rules both transports get, without a socket. */
const gate = (server: Partial<Settings['server']> = {}) =>
  new RequestGate(
    { ...defaults, server: { ...defaults.server, maxEventLoopLagMs: 0, maxSojournMs: 0, ...server } } as Settings,
    createMetrics({ processMetrics: false }),
  );
const arrival = (extra: Partial<Arrival> = {}): Arrival => ({
  requestId: undefined,
  authorization: undefined,
  bytes: 10,
  open: false,
  ...extra,
});
const admitted = (entered: RequestContext | BerthError): RequestContext => {
  if (entered instanceof BerthError) throw entered;
  return entered;
};
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request gate', () => {
  it("keeps a caller's request id that is a safe token and replaces any other with a UUID", () => {
    const requestGate = gate();
    assert.equal(requestGate.requestId('order-42:retry@eu/1'), 'order-42:retry@eu/1');
    for (const unsafe of ['', 'a b', 'line\nbreak', 'x'.repeat(129), 42, ['a'], undefined])
      assert.match(requestGate.requestId(unsafe), uuid, JSON.stringify(unsafe));
    assert.equal(admitted(requestGate.enter(arrival({ requestId: 'abc' }))).id, 'abc');
    requestGate.close();
  });

  it('asks for the API key, when the server has one, of every request but probes and scrapes', () => {
    const requestGate = gate({ apiKey: 'sesame' });
    for (const authorization of [
      undefined,
      '',
      'sesame',
      'Bearer sesam',
      'Bearer sesame2',
      'Basic sesame',
      ['Bearer sesame'],
    ]) {
      const refused = requestGate.enter(arrival({ authorization }));
      assert.ok(refused instanceof BerthError && refused.status === 401, `refused: ${JSON.stringify(authorization)}`);
    }
    assert.equal(admitted(requestGate.enter(arrival({ authorization: 'Bearer sesame' }))).auth, 'api-key');
    assert.equal(admitted(requestGate.enter(arrival({ open: true }))).auth, 'open', 'a probe needs no key');
    assert.equal(admitted(gate().enter(arrival())).auth, 'open', 'a server without a key asks for none');
    requestGate.close();
  });

  it('holds the in-flight cap across every request that passes it, and frees a slot when a reply is done', () => {
    const requestGate = gate({ maxInFlight: 1 });
    const first = admitted(requestGate.enter(arrival()));
    assert.equal(requestGate.handle(first), true, 'the body arrived: it takes the slot');
    assert.equal(requestGate.handle(first), false, 'once');
    const refused = requestGate.enter(arrival());
    assert.ok(refused instanceof BerthError && refused.status === 429, 'the one slot is taken');
    assert.ok(!(requestGate.enter(arrival({ open: true })) instanceof BerthError), 'probes are never refused');
    requestGate.leave(first);
    const second = admitted(requestGate.enter(arrival()));
    assert.equal(requestGate.handle(second), true, 'the slot came back');
    requestGate.close();
  });

  it('gives no slot to a request whose caller left before its body arrived', () => {
    const requestGate = gate({ maxInFlight: 1 });
    const gone = admitted(requestGate.enter(arrival()));
    requestGate.leave(gone);
    assert.equal(requestGate.handle(gone), false);
    assert.ok(!(requestGate.enter(arrival()) instanceof BerthError), 'nothing holds the slot');
    requestGate.close();
  });

  it("starts the deadline when the body has arrived: the caller's, capped by server.requestTimeoutMs", () => {
    const requestGate = gate({ requestTimeoutMs: 1000 });
    const check = (callerDeadline: number | undefined, low: number, high: number) => {
      const context = admitted(requestGate.enter(arrival()));
      const before = Date.now();
      requestGate.handle(context, callerDeadline);
      const after = Date.now();
      assert.ok(
        context.deadline! >= before + low && context.deadline! <= after + high,
        `${context.deadline! - before} ms for caller ${callerDeadline === undefined ? 'none' : callerDeadline - before}`,
      );
      requestGate.leave(context);
    };
    check(undefined, 1000, 1000);
    check(Date.now() + 60_000, 1000, 1000);
    const soon = Date.now() + 200;
    const context = admitted(requestGate.enter(arrival()));
    requestGate.handle(context, soon);
    assert.equal(context.deadline, soon, 'a sooner caller deadline is kept as it is');
    requestGate.close();
  });
});
