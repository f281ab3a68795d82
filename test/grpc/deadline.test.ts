import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status, type Client, type ServiceError } from '@grpc/grpc-js';
import type { RunningGrpcServer } from '../../src/grpc/server.js';
import { fakeRuntimes, irisSignature } from '../../src/runtime/fake.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { startTestServer } from '../helpers/server.js';
import { call, grpcOver, inferenceClient } from './client.js';

/**
 * A gRPC call's deadline is the caller's, capped by server.requestTimeoutMs: a call queued behind
 * a model call that does not finish is answered DEADLINE_EXCEEDED by the server at the server's
 * deadline, however long the caller would wait. The fake model holds its calls on request.
 */
describe('gRPC deadlines', () => {
  let server: RunningServer;
  let grpc: RunningGrpcServer;
  let client: Client;
  let held: Promise<void> | undefined;
  let release = () => {};
  let entered = () => {};
  const hold = () => (entered(), held ?? Promise.resolve());
  const request = {
    model_name: 'iris',
    inputs: [
      { name: 'float_input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } },
    ],
  };

  before(async () => {
    server = await startTestServer(
      'examples/iris',
      { 'server.requestTimeoutMs': 300 },
      { runtimes: fakeRuntimes(() => ({ ...irisSignature, hold })) },
    );
    grpc = await grpcOver(server);
    client = inferenceClient(grpc.port);
  });
  after(async () => {
    release();
    client.close();
    await grpc.close();
    await server.shutdown('test done');
  });

  it("caps the caller's deadline at the server's request timeout", async () => {
    held = new Promise((resolve) => (release = resolve));
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = call(client, 'ModelInfer', request, { deadlineMs: 10_000 });
    // The first call is inside the model, held; the second queues behind it.
    await inside;
    const second = call(client, 'ModelInfer', request, { deadlineMs: 10_000 });
    await assert.rejects(second, (error: ServiceError) => {
      assert.equal(status[error.code], 'DEADLINE_EXCEEDED', error.details);
      assert.match(
        error.details,
        /request did not finish within its .*deadline/,
        'the server answered, not the client giving up',
      );
      return true;
    });
    held = undefined;
    release();
    assert.equal((await first).outputs.length, 2, 'the call already running finishes');
  });

  it('answers within the deadline when the model does', async () => {
    const reply = await call(client, 'ModelInfer', request, { deadlineMs: 60_000 });
    assert.equal(reply.model_version, '1');
  });
});
