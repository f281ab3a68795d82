import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { fakeRuntimes, irisSignature } from '../../src/runtime/fake.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { noShedding, startTestServer } from '../helpers/server.js';

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

describe('slow uploads', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer('examples/iris', {
      'server.maxInFlight': 10,
      'server.requestReceiveTimeoutMs': 1500,
      ...noShedding,
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
      ...noShedding,
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

/**
 * A flood against a server forced into overload whatever this machine's speed: the fake model
 * holds its calls until the test releases them, so the requests already admitted stay in flight.
 */
describe('a flood', () => {
  let held: Promise<void> | undefined;
  let release = () => {};
  const hold = () => held ?? Promise.resolve();
  const holding = () => {
    held = new Promise<void>((resolve) => (release = resolve));
  };
  const heldModel = { runtimes: fakeRuntimes(() => ({ ...irisSignature, hold })) };
  const inFlight = async (server: RunningServer) => (await server.metrics.inFlight.get()).values[0]?.value ?? 0;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /**
   * `count` requests admitted and held in the model, sent one at a time: one shed meanwhile (a
   * machine busy enough to make the loop late) is sent again. Bounded: the test fails rather than hangs.
   */
  async function admit(server: RunningServer, count: number) {
    const admitted: ReturnType<typeof fast>[] = [];
    for (let tries = 0; admitted.length < count; tries++) {
      assert.ok(tries < 100, `${count} requests admitted`);
      const reply = fast(server);
      let answered = false;
      void reply.then(() => (answered = true));
      while (!answered && (await inFlight(server)) <= admitted.length) await pause(10);
      if (!answered) admitted.push(reply);
      else assert.equal((await reply).status, 429, 'a held model answers nothing');
    }
    return admitted;
  }
  const shedCount = async (server: RunningServer, reason: string) =>
    (await server.metrics.shed.get()).values.find((value) => value.labels.reason === reason)?.value ?? 0;

  describe('past the requests handled at once', () => {
    let server: RunningServer;
    before(async () => {
      server = await startTestServer('examples/iris', { 'server.maxInFlight': 8, ...noShedding }, heldModel);
    });
    after(async () => {
      release();
      await server.shutdown('test done');
    });

    it('is answered 429 + Retry-After while the admitted requests are still held, and none is lost', async () => {
      holding();
      const admitted = await admit(server, 8);
      // A hundred more clients, each on its own connection: every one is answered before any
      // capacity frees up (the model is still held), none is left to its client's 20 s timeout.
      const flood = await Promise.all(Array.from({ length: 100 }, () => fast(server)));
      assert.deepEqual(
        flood.map((reply) => [reply.status, reply.retryAfter]),
        Array(100).fill([429, '1']),
      );
      assert.match(flood[0]!.body.error!, /at its limit of 8 requests in flight/);
      assert.equal(await shedCount(server, 'in_flight'), 100);
      release();
      assert.deepEqual(
        (await Promise.all(admitted)).map((reply) => reply.status),
        Array(8).fill(200),
      );
      // At the load it can take, nothing is shed.
      assert.deepEqual(
        (await Promise.all(Array.from({ length: 8 }, () => fast(server)))).map((reply) => reply.status),
        Array(8).fill(200),
      );
    });
  });

  describe('while the event loop runs late', () => {
    let server: RunningServer;
    before(async () => {
      server = await startTestServer(
        'examples/iris',
        { 'server.maxEventLoopLagMs': 50, 'server.maxSojournMs': 0 },
        heldModel,
      );
    });
    after(async () => {
      release();
      await server.shutdown('test done');
    });

    it('handles fewer requests at once, answers the rest 429 + Retry-After, and takes them again once it keeps time', async () => {
      holding();
      const admitted = await admit(server, 8);
      // Every turn of the loop blocked 120 ms, as a flood's long turns are: each 50 ms tick of
      // the lag timer comes at least 70 ms late, however fast this machine is.
      const blocker = setInterval(() => {
        const until = performance.now() + 120;
        while (performance.now() < until) {
          // hold the event loop
        }
      }, 1);
      let flood: Awaited<ReturnType<typeof fast>>[];
      const shedBefore = await shedCount(server, 'event_loop');
      try {
        // Two late ticks in a row halve the limit from the eight in flight (bounded wait).
        for (let turns = 0; server.gate.admission.concurrencyLimit >= 8; turns++) {
          assert.ok(turns < 100, 'the limit came down');
          await pause(1);
        }
        // Twenty clients at once, each on its own connection: all answered, none admitted.
        flood = await Promise.all(Array.from({ length: 20 }, () => fast(server)));
      } finally {
        clearInterval(blocker);
      }
      assert.deepEqual(
        flood.map((reply) => [reply.status, reply.retryAfter]),
        Array(20).fill([429, '1']),
      );
      assert.match(flood[0]!.body.error!, /event loop runs more than 50 ms late, so it handles \d+ at once/);
      assert.equal((await shedCount(server, 'event_loop')) - shedBefore, 20);
      release();
      for (const reply of await Promise.all(admitted)) assert.equal(reply.status, 200);
      // The loop keeps time again: the limit grows back and requests are admitted (bounded wait).
      let status = 0;
      for (let tries = 0; status !== 200 && tries < 100; tries++) {
        status = (await fast(server)).status;
        if (status !== 200) await pause(50);
      }
      assert.equal(status, 200);
    });
  });
});
