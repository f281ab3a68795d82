import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { status } from '@grpc/grpc-js';
import { fixturesDir } from '../helpers/server.js';
import { startGrpcStack, stopGrpcStack, type GrpcStack } from './client.js';

/**
 * grpc/receive-gate.ts: how many gRPC messages are read at once. Raw HTTP/2 streams on one
 * connection, so the server meets them in the order they are sent: a stalled message (its length
 * prefix promises more than is sent) holds a receive slot, and the calls behind it wait unread.
 */
const mib = 1024 * 1024;
const service = '/inference.GRPCInferenceService';

interface RawCall {
  stream: ClientHttp2Stream;
  /** grpc-status, grpc-message and retry-after, from the trailers (or a trailers-only reply). */
  done: Promise<{ code: number; message: string; retryAfter?: string }>;
  ended: boolean;
}

/** One call: a length prefix declaring `declared` bytes, then `sent` bytes of it; ended only when all was sent. */
function rawCall(session: ClientHttp2Session, rpc: string, declared = 0, sent = declared): RawCall {
  const stream = session.request({
    ':method': 'POST',
    ':path': `${service}/${rpc}`,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(declared, 1);
  const body = Buffer.concat([prefix, Buffer.alloc(sent)]);
  if (sent === declared) stream.end(body);
  else stream.write(body);
  stream.on('data', () => undefined);
  stream.on('error', () => undefined);
  const call: RawCall = { stream, ended: false, done: undefined! };
  call.done = new Promise((resolve) => {
    const settle = (headers: Record<string, unknown>) => {
      if (headers['grpc-status'] === undefined) return;
      call.ended = true;
      resolve({
        code: Number(headers['grpc-status']),
        message: decodeURIComponent(String(headers['grpc-message'] ?? '')),
        retryAfter: headers['retry-after'] as string | undefined,
      });
    };
    stream.on('response', settle);
    stream.on('trailers', settle);
  });
  return call;
}

async function withServer(flags: Record<string, unknown>, body: (session: ClientHttp2Session) => Promise<void>) {
  const stack: GrpcStack = await startGrpcStack(`${fixturesDir}/sk-forest-int`, {
    'grpc.maxMessageBytes': mib,
    ...flags,
  });
  const session = connect(`http://127.0.0.1:${stack.grpc.port}`);
  try {
    await body(session);
  } finally {
    session.destroy();
    await stopGrpcStack(stack);
  }
}

describe('gRPC receive gate', () => {
  it('one slot: a call waits unread behind a stalled message until its receive timeout', () =>
    withServer({ 'grpc.receiveBytesInFlight': mib, 'server.requestReceiveTimeoutMs': 1000 }, async (session) => {
      const stalled = rawCall(session, 'ModelInfer', 1000, 10);
      const behind = rawCall(session, 'ServerLive');
      const first = await Promise.race([stalled.done.then(() => 'stalled'), behind.done.then(() => 'behind')]);
      assert.equal(first, 'stalled', 'the call behind was answered while the stalled one held the only slot');
      const timedOut = await stalled.done;
      assert.equal(timedOut.code, status.DEADLINE_EXCEEDED, timedOut.message);
      assert.match(timedOut.message, /not received within 1000 ms/);
      assert.equal((await behind.done).code, status.OK);
    }));

  it('two slots: a call is read beside a stalled message', () =>
    withServer({ 'grpc.receiveBytesInFlight': 2 * mib }, async (session) => {
      const stalled = rawCall(session, 'ModelInfer', 1000, 10);
      const beside = rawCall(session, 'ServerLive');
      assert.equal((await beside.done).code, status.OK);
      assert.equal(stalled.ended, false);
      stalled.stream.close(constants.NGHTTP2_CANCEL);
    }));

  it('sheds calls past the waiting line with RESOURCE_EXHAUSTED and retry-after; the waiting ones go on', () =>
    withServer({ 'grpc.receiveBytesInFlight': mib }, async (session) => {
      const stalled = rawCall(session, 'ModelInfer', 1000, 10);
      const waiting = Array.from({ length: 64 }, () => rawCall(session, 'ServerLive'));
      const shed = await rawCall(session, 'ServerLive').done;
      assert.equal(shed.code, status.RESOURCE_EXHAUSTED, shed.message);
      assert.match(shed.message, /64 more wait their turn/);
      assert.equal(shed.retryAfter, '1');
      assert.equal(waiting.filter((call) => call.ended).length, 0);
      // The stalled caller gives up: its slot passes down the line.
      stalled.stream.close(constants.NGHTTP2_CANCEL);
      const codes = await Promise.all(waiting.map((call) => call.done.then(({ code }) => code)));
      assert.deepEqual(codes, Array(64).fill(status.OK));
    }));
});
