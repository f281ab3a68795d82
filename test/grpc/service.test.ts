import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status, type Client, type ServiceError } from '@grpc/grpc-js';
import { startGrpcServer, type RunningGrpcServer } from '../../src/grpc/server.js';
import type { DataPlane } from '../../src/serving/data-plane.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { closeEnough, fixturesDir, loadCase, post } from '../helpers/server.js';
import { call, startGrpcStack, stopGrpcStack, inferenceClient, rawOf } from './client.js';

/** Every RPC of inference.GRPCInferenceService against the iris forest, through a real client and port. */
const model = 'sk-forest-int';
const fixture = loadCase(model);
const input = fixture.inputs.float_input!;

const typedRequest = (extra: object = {}) => ({
  model_name: model,
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: input.shape, contents: { fp32_contents: input.data } }],
  ...extra,
});

const rawRequest = (extra: object = {}) => ({
  model_name: model,
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: input.shape }],
  raw_input_contents: [rawOf(input.data as number[], Float32Array)],
  ...extra,
});

/** Output values of a reply, whichever form it took. */
function outputValues(reply: any, name: string): unknown[] {
  const index = reply.outputs.findIndex((output: { name: string }) => output.name === name);
  assert.ok(index >= 0, `output ${name} missing`);
  const output = reply.outputs[index];
  if (reply.raw_output_contents.length === 0) {
    const values = Object.values(output.contents ?? {}).find(
      (field) => Array.isArray(field) && field.length > 0,
    ) as unknown[];
    return values.map((value) => (typeof value === 'string' ? Number(value) : value));
  }
  const bytes: Buffer = reply.raw_output_contents[index];
  const copy = new Uint8Array(bytes).buffer;
  if (output.datatype === 'INT64') return Array.from(new BigInt64Array(copy), Number);
  if (output.datatype === 'FP32') return Array.from(new Float32Array(copy));
  throw new Error(`test does not decode ${output.datatype}`);
}

describe('gRPC inference service (iris forest)', () => {
  let server: RunningServer;
  let grpc: RunningGrpcServer;
  let client: Client;

  before(async () => {
    ({ server, grpc, client } = await startGrpcStack(`${fixturesDir}/${model}`));
  });
  after(() => stopGrpcStack({ server, grpc, client }));

  it('ServerLive and ServerReady', async () => {
    assert.equal((await call(client, 'ServerLive', {})).live, true);
    assert.equal((await call(client, 'ServerReady', {})).ready, true);
  });

  it('ServerMetadata names the server and its version', async () => {
    const reply = await call(client, 'ServerMetadata', {});
    assert.equal(reply.name, 'berth');
    assert.equal(reply.version, server.dataplane.serverMetadata().version);
    assert.ok(Array.isArray(reply.extensions));
  });

  it('ModelReady, with and without a version', async () => {
    assert.equal((await call(client, 'ModelReady', { name: model })).ready, true);
    assert.equal((await call(client, 'ModelReady', { name: model, version: '1' })).ready, true);
  });

  it('ModelMetadata matches the REST metadata', async () => {
    const reply = await call(client, 'ModelMetadata', { name: model });
    const rest = (await server.app.inject({ method: 'GET', url: `/v2/models/${model}` })).json();
    assert.equal(reply.name, rest.name);
    assert.deepEqual(reply.versions, rest.versions);
    assert.equal(reply.platform, 'onnx_onnxv1');
    const tensors = (list: Array<{ name: string; datatype: string; shape: Array<string | number> }>) =>
      list.map((tensor) => ({ ...tensor, shape: tensor.shape.map(Number) }));
    assert.deepEqual(tensors(reply.inputs), rest.inputs);
    assert.deepEqual(tensors(reply.outputs), rest.outputs);
  });

  it('ModelInfer with typed contents answers typed, as REST and the original sklearn model do', async () => {
    const reply = await call(client, 'ModelInfer', typedRequest({ id: 'req-7' }));
    assert.equal(reply.id, 'req-7');
    assert.equal(reply.model_name, model);
    assert.equal(reply.model_version, '1');
    assert.equal(reply.raw_output_contents.length, 0);
    const rest = await post(server, `/v2/models/${model}/infer`, {
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: input.shape, data: input.data }],
    });
    assert.equal(rest.status, 200);
    for (const [name, expected] of Object.entries(fixture.expected)) {
      const values = outputValues(reply, name);
      const output = reply.outputs.find((candidate: { name: string }) => candidate.name === name);
      assert.deepEqual(output.shape.map(Number), expected.shape);
      assert.equal(output.datatype, expected.datatype);
      assert.equal(closeEnough(values, expected.data, fixture.tolerance), -1, `${name} differs from sklearn`);
      assert.deepEqual(
        values,
        rest.body.outputs.find((candidate: { name: string }) => candidate.name === name).data,
        `${name} differs from REST`,
      );
    }
  });

  it('ModelInfer with raw_input_contents answers raw with the same values', async () => {
    const [typed, raw] = await Promise.all([
      call(client, 'ModelInfer', typedRequest()),
      call(client, 'ModelInfer', rawRequest()),
    ]);
    assert.equal(raw.raw_output_contents.length, raw.outputs.length);
    assert.ok(
      raw.outputs.every((output: { contents?: unknown }) => output.contents === undefined || output.contents === null),
    );
    for (const name of Object.keys(fixture.expected))
      assert.deepEqual(outputValues(raw, name), outputValues(typed, name));
  });

  it('binary_data_output chooses the reply form either way', async () => {
    const flag = (value: boolean) => ({ parameters: { binary_data_output: { bool_param: value } } });
    assert.equal((await call(client, 'ModelInfer', typedRequest(flag(true)))).raw_output_contents.length, 2);
    assert.equal((await call(client, 'ModelInfer', rawRequest(flag(false)))).raw_output_contents.length, 0);
  });

  it('returns only the requested outputs, in the order asked', async () => {
    const reply = await call(client, 'ModelInfer', rawRequest({ outputs: [{ name: 'output_probability' }] }));
    assert.deepEqual(
      reply.outputs.map((output: { name: string }) => output.name),
      ['output_probability'],
    );
    assert.equal(reply.raw_output_contents.length, 1);
    assert.equal(
      closeEnough(
        outputValues(reply, 'output_probability'),
        fixture.expected.output_probability!.data,
        fixture.tolerance,
      ),
      -1,
    );
  });

  it('echoes x-request-id metadata, or makes one', async () => {
    const given = await call(client, 'ServerLive', {}, { metadata: { 'x-request-id': 'trace-42' } });
    assert.deepEqual(given.$metadata.get('x-request-id'), ['trace-42']);
    const made = await call(client, 'ServerLive', {});
    assert.match(String(made.$metadata.get('x-request-id')[0]), /^[0-9a-f-]{36}$/);
  });

  const rejects = async (rpc: string, request: object, code: status, message: RegExp) => {
    await assert.rejects(call(client, rpc, request), (error: ServiceError) => {
      assert.equal(error.code, code, `${status[error.code]}: ${error.details}`);
      assert.match(error.details, message);
      return true;
    });
  };

  it('unknown model or version → NOT_FOUND with the catalogue message', async () => {
    await rejects('ModelInfer', typedRequest({ model_name: 'nope' }), status.NOT_FOUND, /^unknown model `nope`$/);
    await rejects('ModelMetadata', { name: 'nope' }, status.NOT_FOUND, /unknown model `nope`/);
    await rejects('ModelReady', { name: 'nope' }, status.NOT_FOUND, /unknown model `nope`/);
    await rejects(
      'ModelInfer',
      typedRequest({ model_version: '9' }),
      status.NOT_FOUND,
      /model `sk-forest-int` has no version `9`/,
    );
  });

  it('wrong datatype, shape or contents → INVALID_ARGUMENT saying what and where', async () => {
    await rejects(
      'ModelInfer',
      {
        model_name: model,
        inputs: [{ name: 'float_input', datatype: 'FP64', shape: [1, 4], contents: { fp64_contents: [1, 2, 3, 4] } }],
      },
      status.INVALID_ARGUMENT,
      /datatype FP32 expected for `float_input`, got FP64/,
    );
    await rejects(
      'ModelInfer',
      {
        model_name: model,
        inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3] } }],
      },
      status.INVALID_ARGUMENT,
      /shape \[1,4\] of `float_input` does not match 3 values/,
    );
    await rejects(
      'ModelInfer',
      {
        model_name: model,
        inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4], contents: { fp64_contents: [1, 2, 3, 4] } }],
      },
      status.INVALID_ARGUMENT,
      /belong in contents.fp32_contents, got contents.fp64_contents/,
    );
    await rejects(
      'ModelInfer',
      rawRequest({ raw_input_contents: [Buffer.alloc(10)] }),
      status.INVALID_ARGUMENT,
      /raw bytes of `float_input` are 10 bytes; FP32 of shape \[14,4\] needs 224/,
    );
    await rejects(
      'ModelInfer',
      typedRequest({ outputs: [{ name: 'nope' }] }),
      status.INVALID_ARGUMENT,
      /unknown output `nope`/,
    );
    await rejects('ModelInfer', { model_name: model }, status.INVALID_ARGUMENT, /`inputs` must be a non-empty list/);
  });

  it('a request over maxRows → RESOURCE_EXHAUSTED', async () => {
    const rows = server.settings.limits.maxRows + 1;
    await rejects(
      'ModelInfer',
      {
        model_name: model,
        inputs: [{ name: 'float_input', datatype: 'FP32', shape: [rows, 4] }],
        raw_input_contents: [Buffer.alloc(rows * 16)],
      },
      status.RESOURCE_EXHAUSTED,
      /rows is more than the limit/,
    );
  });

  it('close() lets in-flight calls finish, then refuses new ones', async () => {
    // A data plane whose infer waits for the test, so the call is surely in flight when close() starts.
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const dataplane = new Proxy(server.dataplane, {
      get(target, key) {
        if (key === 'infer')
          return async (...args: Parameters<DataPlane['infer']>) => (entered(), await gate, target.infer(...args));
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const own = await startGrpcServer({
      dataplane,
      gate: server.gate,
      settings: server.settings,
      logger: server.logger,
      port: 0,
      host: '127.0.0.1',
    });
    const ownClient = inferenceClient(own.port);
    const inFlight = call(ownClient, 'ModelInfer', rawRequest());
    await inside;
    const closed = own.close(10_000);
    release();
    assert.equal((await inFlight).outputs.length, 2);
    await closed;
    await assert.rejects(
      call(ownClient, 'ServerLive', {}, { deadlineMs: 2_000 }),
      (error: ServiceError) => error.code === status.UNAVAILABLE,
    );
    ownClient.close();
  });

  it('close() cancels calls still running after the grace period', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const dataplane = new Proxy(server.dataplane, {
      get(target, key) {
        if (key === 'infer') return () => (entered(), new Promise(() => undefined));
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const own = await startGrpcServer({
      dataplane,
      gate: server.gate,
      settings: server.settings,
      logger: server.logger,
      port: 0,
      host: '127.0.0.1',
    });
    const ownClient = inferenceClient(own.port);
    const stuck = call(ownClient, 'ModelInfer', rawRequest());
    await inside;
    await own.close(50);
    await assert.rejects(
      stuck,
      (error: ServiceError) => error.code === status.CANCELLED || error.code === status.UNAVAILABLE,
    );
    ownClient.close();
  });

  it('serves several clients that connect at once to a new listener (the first connection loads the gRPC stack)', async () => {
    const own = await startGrpcServer({
      dataplane: server.dataplane,
      gate: server.gate,
      settings: server.settings,
      logger: server.logger,
      port: 0,
      host: '127.0.0.1',
    });
    const clients = [0, 1, 2].map(() => inferenceClient(own.port));
    try {
      const replies = await Promise.all(clients.map((client) => call(client, 'ModelInfer', rawRequest())));
      for (const reply of replies)
        assert.equal(
          closeEnough(
            outputValues(reply, 'output_probability'),
            fixture.expected.output_probability!.data,
            fixture.tolerance,
          ),
          -1,
        );
    } finally {
      for (const client of clients) client.close();
      await own.close(1_000);
    }
  });
});
