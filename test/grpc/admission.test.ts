import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status, type ServiceError } from '@grpc/grpc-js';
import { startTestServer } from '../helpers/server.js';
import { freePort } from '../helpers/process.js';
import { call, inferenceClient } from './client.js';

/** gRPC calls draw on the HTTP server's admission control: one capacity for both transports. */
describe('gRPC admission', () => {
  it('sheds ModelInfer with RESOURCE_EXHAUSTED and retry-after when no slot is free, and keeps the probes open', async () => {
    const server = await startTestServer('examples/iris', {
      'server.maxInFlight': 0,
      'server.grpcPort': await freePort(),
    });
    const client = inferenceClient(server.grpc!.port);
    try {
      const request = {
        model_name: 'iris',
        inputs: [
          { name: 'float_input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } },
        ],
      };
      await assert.rejects(call(client, 'ModelInfer', request), (error: ServiceError) => {
        assert.equal(error.code, status.RESOURCE_EXHAUSTED);
        assert.match(error.details, /server is at its limit of 0 requests in flight/);
        assert.deepEqual(error.metadata.get('retry-after'), ['1']);
        return true;
      });
      assert.equal((await call(client, 'ServerReady', {})).ready, true, 'probes are never shed');
    } finally {
      client.close();
      await server.shutdown('test done');
    }
  });
});
