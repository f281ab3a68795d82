import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { fakeRuntimes, irisSignature } from '../../src/runtime/fake.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { noShedding, startTestServer } from '../helpers/server.js';

/**
 * New connections are accepted while a batch of admitted requests is answered, not after it: Node
 * accepts one connection per event-loop turn, and the answers of one model call, which arrive
 * together, are encoded and written in slices with the turns' poll phases between them
 * (serving/loop-slices.ts). Order of events on the server only, never timing: the fake model holds
 * its calls until the test releases them all at once, and a slice of 1 µs lets one answer go per turn.
 */
describe('a burst of new connections while a batch is answered', () => {
  let server: RunningServer;
  // Armed by the test: the server's own calls at start (warm-up) are not held.
  let held: Promise<void> | undefined;
  let release = () => {};
  const heldModel = { runtimes: fakeRuntimes(() => ({ ...irisSignature, hold: () => held ?? Promise.resolve() })) };
  // 100 rows: over the size below which a request never waits for a slice.
  const body = JSON.stringify({ instances: Array.from({ length: 100 }, () => [5.1, 3.5, 1.4, 0.2]) });
  /** What the server did, in order: `accept` for a new connection, the request id of each answer written. */
  const events: string[] = [];

  before(async () => {
    server = await startTestServer(
      'examples/iris',
      { 'server.loopSliceMicros': 1, 'server.maxInFlight': 1000, ...noShedding },
      heldModel,
    );
    server.app.server.on('connection', () => events.push('accept'));
    server.app.server.on('request', (request, response) => {
      const id = String(request.headers['x-request-id']);
      response.once('finish', () => events.push(id));
    });
  });
  after(async () => {
    release();
    await server.shutdown('test done');
  });

  /** One request on a connection of its own; resolves with the status line's code (0: closed unanswered). */
  function request(id: string): Promise<number> {
    const socket = connect((server.app.server.address() as { port: number }).port, '127.0.0.1');
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\r\n\r\n')) socket.end();
    });
    socket.write(
      `POST /predict HTTP/1.1\r\nHost: test\r\nX-Request-Id: ${id}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
    );
    return once(socket, 'close').then(() => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0));
  }

  it('are accepted between the answers, and every request is answered', async () => {
    const heldCount = 20;
    const burstCount = 20;
    held = new Promise<void>((resolve) => (release = resolve));
    const heldReplies = Array.from({ length: heldCount }, (_, index) => request(`held-${index}`));
    // Bounded wait until every held request is in the model.
    for (let tries = 0; server.gate.admission.handling < heldCount; tries++) {
      assert.ok(tries < 500, `${heldCount} requests admitted`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const acceptedBefore = events.filter((event) => event === 'accept').length;
    // The burst connects, then the model answers every held request at once.
    const burst = Array.from({ length: burstCount }, (_, index) => request(`new-${index}`));
    release();
    const statuses = await Promise.all([...heldReplies, ...burst]);
    assert.deepEqual(statuses, Array(heldCount + burstCount).fill(200), 'every request is answered');

    const isHeld = events.map((event) => event.startsWith('held-'));
    const acceptedMeanwhile = events
      .slice(isHeld.indexOf(true), isHeld.lastIndexOf(true))
      .filter((event) => event === 'accept').length;
    assert.equal(events.filter((event) => event === 'accept').length - acceptedBefore, burstCount);
    assert.ok(
      acceptedMeanwhile >= burstCount / 2,
      `new connections accepted while the held answers were written (${acceptedMeanwhile} of ${burstCount}): ${events.join(' ')}`,
    );
  });
});
