import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status, type Client, type ServiceError } from '@grpc/grpc-js';
import type { RunningGrpcServer } from '../../src/grpc/server.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { fixturesDir } from '../helpers/server.js';
import { call, startGrpcStack, stopGrpcStack } from './client.js';

const model = 'sk-forest-int';
const key = 'grpc-test-key';
const request = {
  model_name: model,
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } }],
};

describe('gRPC with an API key configured', () => {
  let server: RunningServer;
  let grpc: RunningGrpcServer;
  let client: Client;
  before(async () => {
    ({ server, grpc, client } = await startGrpcStack(`${fixturesDir}/${model}`, { 'server.apiKey': key }));
  });
  after(() => stopGrpcStack({ server, grpc, client }));

  const unauthenticated = (error: ServiceError) => {
    assert.equal(error.code, status.UNAUTHENTICATED, `${status[error.code]}: ${error.details}`);
    assert.match(error.details, /missing or wrong API key; send Authorization: Bearer <key>/);
    return true;
  };

  it('refuses calls without the key, or with a wrong one', async () => {
    await assert.rejects(call(client, 'ModelInfer', request), unauthenticated);
    await assert.rejects(
      call(client, 'ModelInfer', request, { metadata: { authorization: 'Bearer wrong' } }),
      unauthenticated,
    );
    await assert.rejects(call(client, 'ModelInfer', request, { metadata: { authorization: key } }), unauthenticated);
    await assert.rejects(call(client, 'ModelMetadata', { name: model }), unauthenticated);
    await assert.rejects(call(client, 'ModelReady', { name: model }), unauthenticated);
    await assert.rejects(call(client, 'ServerMetadata', {}), unauthenticated);
  });

  it('serves calls with authorization: Bearer <key>', async () => {
    const reply = await call(client, 'ModelInfer', request, { metadata: { authorization: `Bearer ${key}` } });
    assert.deepEqual(reply.outputs[0].contents.int64_contents, ['0']);
  });

  it('leaves the probes open, as over HTTP', async () => {
    assert.equal((await call(client, 'ServerLive', {})).live, true);
    assert.equal((await call(client, 'ServerReady', {})).ready, true);
  });

  it('ServerReady turns false once the server drains, while ServerLive stays true', async () => {
    await server.shutdown('test drain');
    assert.equal((await call(client, 'ServerReady', {})).ready, false);
    assert.equal((await call(client, 'ServerLive', {})).live, true);
  });
});
