import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status, type Client, type ServiceError } from '@grpc/grpc-js';
import type { RunningGrpcServer } from '../../src/grpc/server.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { fixturesDir, loadCase } from '../helpers/server.js';
import { call, startGrpcStack, stopGrpcStack, inferenceClient } from './client.js';

/**
 * Message size limits (settings.grpc.maxMessageBytes, both directions). grpc's own 4 MiB receive
 * default is the most common complaint against Triton and KServe; Berth's default is 64 MiB.
 */
const model = 'sk-forest-int';
const fixture = loadCase(model);
const rowsOfFixture = fixture.inputs.float_input!.shape[0]!;
const mib = 1024 * 1024;

/** `rows` iris rows (the fixture's rows repeated) as raw FP32: 16 bytes a row. */
function irisRows(rows: number) {
  const source = new Float32Array(fixture.inputs.float_input!.data as number[]);
  const values = new Float32Array(rows * 4);
  for (let row = 0; row < rows; row++)
    values.set(source.subarray((row % rowsOfFixture) * 4, (row % rowsOfFixture) * 4 + 4), row * 4);
  return {
    model_name: model,
    inputs: [{ name: 'float_input', datatype: 'FP32', shape: [rows, 4] }],
    raw_input_contents: [Buffer.from(values.buffer)],
  };
}

const resourceExhausted = (pattern: RegExp) => (error: ServiceError) => {
  assert.equal(error.code, status.RESOURCE_EXHAUSTED, `${status[error.code]}: ${error.details}`);
  assert.match(error.details, pattern);
  return true;
};

describe('gRPC large messages with the default 64 MiB limit', () => {
  let server: RunningServer;
  let grpc: RunningGrpcServer;
  let client: Client;
  const rows = 300_000;
  // Clients have a 4 MiB receive limit of their own: raised too, for large replies.
  before(async () => {
    ({ server, grpc, client } = await startGrpcStack(
      `${fixturesDir}/${model}`,
      { 'limits.maxRows': rows },
      { client: { 'grpc.max_receive_message_length': 64 * mib } },
    ));
  });
  after(() => stopGrpcStack({ server, grpc, client }));

  it(`accepts ${rows} rows (4.8 MB raw) and sends the 6 MB raw reply`, async () => {
    assert.equal(server.settings.grpc.maxMessageBytes, 64 * mib);
    const request = irisRows(rows);
    assert.ok(request.raw_input_contents[0]!.length > 4 * mib);
    const reply = await call(client, 'ModelInfer', request);
    const [labels, probabilities] = reply.raw_output_contents as Buffer[];
    assert.equal(labels!.length, rows * 8);
    assert.equal(probabilities!.length, rows * 12);
    assert.ok(labels!.length + probabilities!.length > 4 * mib);
    const expected = fixture.expected.output_label!.data as number[];
    const got = new BigInt64Array(new Uint8Array(labels!).buffer);
    for (const row of [0, 1, 13, 14, 150_001, rows - 1])
      assert.equal(Number(got[row]), expected[row % rowsOfFixture], `row ${row}`);
  });

  it('accepts the same rows as typed contents', async () => {
    const raw = irisRows(rows);
    const values = Array.from(new Float32Array(new Uint8Array(raw.raw_input_contents[0]!).buffer));
    const reply = await call(client, 'ModelInfer', {
      model_name: model,
      inputs: [{ ...raw.inputs[0], contents: { fp32_contents: values } }],
      outputs: [{ name: 'output_label' }],
    });
    assert.equal(reply.outputs[0].contents.int64_contents.length, rows);
  });

  it("a client left at grpc's 4 MiB default cannot receive the reply (RESOURCE_EXHAUSTED)", async () => {
    const small = inferenceClient(grpc.port);
    await assert.rejects(call(small, 'ModelInfer', irisRows(rows)), resourceExhausted(/larger than max/i));
    small.close();
  });
});

describe('gRPC message limit set to 1 MiB', () => {
  let server: RunningServer;
  let grpc: RunningGrpcServer;
  let client: Client;
  // Clients have a 4 MiB receive limit of their own: raised too, for large replies.
  before(async () => {
    ({ server, grpc, client } = await startGrpcStack(
      `${fixturesDir}/${model}`,
      { 'grpc.maxMessageBytes': mib },
      { client: { 'grpc.max_receive_message_length': 64 * mib } },
    ));
  });
  after(() => stopGrpcStack({ server, grpc, client }));

  it('serves requests and replies under the limit', async () => {
    const reply = await call(client, 'ModelInfer', irisRows(1_000));
    assert.equal(reply.outputs.length, 2);
  });

  it('refuses a request over the limit with RESOURCE_EXHAUSTED', async () => {
    await assert.rejects(call(client, 'ModelInfer', irisRows(300_000)), resourceExhausted(/larger than max/i));
  });

  it('refuses to send a reply over the limit with RESOURCE_EXHAUSTED', async () => {
    // 60,000 rows: 960 kB in, 1.2 MB out (8-byte label + 3 × 4-byte probabilities a row).
    const request = irisRows(60_000);
    assert.ok(request.raw_input_contents[0]!.length < mib);
    await assert.rejects(call(client, 'ModelInfer', request), resourceExhausted(/larger than max/i));
  });
});
