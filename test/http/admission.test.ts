import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import type { RunningServer } from '../../src/serve/start-server.js';
import { startTestServer } from '../helpers/server.js';

/**
 * Slow clients and floods over real sockets. Counts and bounded waits only: which requests are
 * shed follows from what the server holds, never from how fast this machine is.
 */
const body = JSON.stringify({ features: [5.1, 3.5, 1.4, 0.2] });

/** A raw HTTP/1.1 request whose body is sent only up to `sent` bytes; resolves with what the server answered. */
function partialRequest(port: number, declared: number, sent: string): { socket: Socket; reply: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  let text = '';
  socket.on('data', (chunk) => (text += chunk));
  socket.write(
    `POST /predict HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n${sent}`,
  );
  return { socket, reply: once(socket, 'close').then(() => text) };
}

async function fast(server: RunningServer, payload = body) {
  const response = await fetch(`${server.url}/predict`, {
    method: 'POST',
    body: payload,
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(20_000),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { error?: string },
  };
}

// Clients and server share one event loop on a machine that may be starved: shedding on lag or a
// standing queue would answer 429 for a reason other than the one each test is about.
const onlyThisShedding = { 'server.maxEventLoopLagMs': 0, 'server.maxSojournMs': 0 };

describe('slow uploads', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer('examples/iris', {
      'server.maxInFlight': 10,
      'server.requestReceiveTimeoutMs': 1500,
      ...onlyThisShedding,
    });
  });
  after(async () => server.shutdown('test done'));

  it('take no request slot from fast clients, and are cut off at the receive timeout with 408 in the usual error shape', async () => {
    const { port } = server.app.server.address() as { port: number };
    // Thrice as many slow uploads as there are slots, each holding its connection open mid-body.
    const slow = Array.from({ length: 30 }, () => partialRequest(port, 1000, '{"features":'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Eight at a time, within the ten slots: the slow uploads hold none of them.
    for (let round = 0; round < 3; round++) {
      const replies = await Promise.all(Array.from({ length: 8 }, () => fast(server)));
      assert.deepEqual(
        replies.map((reply) => reply.status),
        Array(8).fill(200),
        'every fast client is served while the slow ones upload',
      );
    }

    // The server closes every slow upload itself (bounded wait: the test fails rather than hangs).
    const answered = await Promise.race([
      Promise.all(slow.map((request) => request.reply)),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000)),
    ]);
    assert.ok(answered, 'the server closed every slow upload');
    for (const text of answered) {
      assert.match(text, /^HTTP\/1\.1 408 /);
      assert.match(text, /\r\nx-request-id: [0-9a-f-]{36}\r\n/i);
      assert.match(text, /\{"error":"the request was not received within 1500 ms"\}$/);
    }
  });
});

describe('bytes in flight', () => {
  let server: RunningServer;
  const declared = 100_000;
  before(async () => {
    server = await startTestServer('examples/iris', {
      'server.maxBodyBytesInFlight': 3 * declared,
      'server.requestReceiveTimeoutMs': 10_000,
      ...onlyThisShedding,
    });
  });
  after(async () => server.shutdown('test done'));

  it('sheds large bodies past the budget with 429 + Retry-After before reading them, and serves again once they are done', async () => {
    const { port } = server.app.server.address() as { port: number };
    // Three uploads of 100 kB each hold the whole 300 kB budget while their bodies arrive.
    const held = Array.from({ length: 3 }, () => partialRequest(port, declared, '{"instances":['));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const shed = await fast(
      server,
      JSON.stringify({ instances: Array.from({ length: 10 }, () => [5.1, 3.5, 1.4, 0.2]) }),
    );
    assert.equal(shed.status, 429);
    assert.equal(shed.retryAfter, '1');
    assert.match(shed.body.error!, /receiving as many request bytes as it holds at once \(300000 bytes\)/);
    const probe = await fetch(`${server.url}/ready`);
    assert.equal(probe.status, 200, 'probes are never shed');

    // The held uploads finish (padding to their declared length): each is answered, and the budget is free again.
    const rows = '[5.1,3.5,1.4,0.2],'.repeat(100);
    for (const { socket } of held) {
      const start = '{"instances":[';
      let text = start + rows.repeat(Math.floor((declared - start.length - 20) / rows.length));
      text = `${text}[5.1,3.5,1.4,0.2]]}`;
      socket.write(text.slice(start.length).padEnd(declared - start.length, ' '));
    }
    const answers = await Promise.all(
      held.map(({ reply, socket }) =>
        Promise.race([reply, new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))))]),
      ),
    );
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 200 /);
    held.forEach(({ socket }) => socket.destroy());
    assert.equal((await fast(server)).status, 200);
  });
});
