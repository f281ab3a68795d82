import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import type { RunningServer } from '../../src/serve/start-server.js';
import { binaryRequest, replyOutputs, tensorBytes, type BinaryInput } from '../helpers/binary-body.js';
import { closeEnough, fixturesDir, loadCase, startTestServer } from '../helpers/server.js';

/**
 * OIP v2 REST as real clients send it: JSON with any or no content type, Triton's binary tensor
 * data extension both ways (every datatype), gzip/deflate both ways, and hostile binary bodies
 * answered with a 4xx that says what is wrong.
 */
const model = 'onnx-all-datatypes';
const fixture = loadCase(model);
const inputs: BinaryInput[] = Object.entries(fixture.inputs).map(([name, tensor]) => ({ name, ...tensor }));
const limit = 64 * 1024;

describe('OIP v2 REST bodies: content types, binary tensors, compression', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer(`${fixturesDir}/${model}`, { 'limits.maxBodyBytes': limit }, { name: model });
  });
  after(async () => server.shutdown('test done'));

  const infer = (payload: Buffer | string, headers: Record<string, string | number> = {}) =>
    server.app.inject({
      method: 'POST',
      url: `/v2/models/${model}/infer`,
      payload,
      headers: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, String(value)])),
    });
  const jsonBody = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      inputs: inputs.map(({ name, datatype, shape, data }) => ({ name, datatype, shape, data })),
      ...extra,
    });

  const checkAll = (outputs: Array<{ name: string; data: unknown[]; shape: number[] }>) => {
    for (const [name, expected] of Object.entries(fixture.expected)) {
      const actual = outputs.find((output) => output.name === name);
      assert.ok(actual, `output ${name} missing`);
      assert.deepEqual(actual.shape, expected.shape);
      const bad = closeEnough(actual.data, expected.data, fixture.tolerance);
      assert.equal(bad, -1, `${name}[${bad}] = ${actual.data[bad]}, expected ${expected.data[bad]}`);
    }
  };

  for (const [title, headers] of [
    ['no Content-Type (tritonclient HTTP)', {}],
    ['application/json with parameters', { 'content-type': 'application/json; charset=utf-8' }],
    ['application/octet-stream (tritonclient asyncio)', { 'content-type': 'application/octet-stream' }],
  ] as const) {
    it(`takes a JSON body with ${title} and answers application/json`, async () => {
      const response = await infer(jsonBody(), headers);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-type'], 'application/json');
      checkAll(JSON.parse(response.body).outputs);
    });
  }

  it('refuses other media types with 415 naming what to send', async () => {
    const response = await infer(jsonBody(), { 'content-type': 'text/plain' });
    assert.equal(response.statusCode, 415);
    assert.match(
      JSON.parse(response.body).error,
      /content-type text\/plain is not supported; send application\/json, or application\/octet-stream/,
    );
  });

  it('takes every datatype as binary and answers every output as binary when asked request-wide', async () => {
    const { body, headerLength } = binaryRequest(inputs, { parameters: { binary_data_output: true } });
    const response = await infer(body, {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': headerLength,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/octet-stream');
    const outputs = replyOutputs(response.rawPayload, response.headers['inference-header-content-length'] as string);
    assert.ok(
      outputs.every((output) => output.binary),
      'all outputs binary',
    );
    checkAll(outputs);
  });

  it("mixes JSON and binary inputs, and follows each output's binary_data over the request-wide choice", async () => {
    const mixed = inputs.map((input, index) => ({ ...input, binary: index % 2 === 0 }));
    const outputs = Object.keys(fixture.expected).map((name, index) => ({
      name,
      parameters: { binary_data: index % 3 === 0 },
    }));
    const { body, headerLength } = binaryRequest(mixed, { parameters: { binary_data_output: true }, outputs });
    const response = await infer(body, { 'inference-header-content-length': headerLength });
    assert.equal(response.statusCode, 200, response.body);
    const answered = replyOutputs(response.rawPayload, response.headers['inference-header-content-length'] as string);
    assert.deepEqual(
      answered.map((output) => output.binary),
      outputs.map((output) => output.parameters.binary_data),
    );
    checkAll(answered);
  });

  it('answers JSON-only requests that ask for no binary output as plain JSON (no header length)', async () => {
    const response = await infer(jsonBody({ outputs: [{ name: 'fp16_out', parameters: { binary_data: false } }] }));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['inference-header-content-length'], undefined);
    assert.deepEqual(JSON.parse(response.body).outputs[0].data, fixture.expected.fp16_out!.data);
  });

  for (const [encoding, pack] of [
    ['gzip', gzipSync],
    ['deflate', deflateSync],
  ] as const) {
    it(`inflates ${encoding} request bodies and compresses replies for Accept-Encoding: ${encoding}`, async () => {
      const { body, headerLength } = binaryRequest(
        inputs.map((input) => ({ ...input, binary: input.datatype !== 'BYTES' })),
      );
      const response = await infer(pack(body), {
        'content-encoding': encoding,
        'accept-encoding': encoding,
        'inference-header-content-length': headerLength,
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-encoding'], encoding);
      const plain = (encoding === 'gzip' ? gunzipSync : inflateSync)(response.rawPayload);
      checkAll(JSON.parse(plain.toString('utf8')).outputs);
    });
  }

  const hostile: Array<{
    title: string;
    body: () => Buffer;
    headers?: Record<string, string | number>;
    status: number;
    message: RegExp;
  }> = [
    {
      title: 'a header length past the end of the body',
      body: () => binaryRequest(inputs.slice(0, 1)).body,
      headers: { 'inference-header-content-length': 100_000 },
      status: 400,
      message: /Inference-Header-Content-Length must be a whole number of bytes from 1 to the body's \d+, got 100000/,
    },
    {
      title: 'a negative header length',
      body: () => binaryRequest(inputs.slice(0, 1)).body,
      headers: { 'inference-header-content-length': -5 },
      status: 400,
      message: /Inference-Header-Content-Length .* got -5/,
    },
    {
      title: 'a header length that is not a number',
      body: () => binaryRequest(inputs.slice(0, 1)).body,
      headers: { 'inference-header-content-length': '12abc' },
      status: 400,
      message: /got 12abc/,
    },
    {
      title: 'a header length that cuts the JSON short',
      body: () => binaryRequest(inputs.slice(0, 1)).body,
      headers: { 'inference-header-content-length': 10 },
      status: 400,
      message: /request body is not valid JSON/,
    },
    {
      title: 'binary_data_size beyond the bytes sent',
      body: () => lying(inputs[10]!, 1000).body,
      headers: { 'inference-header-content-length': lying(inputs[10]!, 1000).headerLength },
      status: 400,
      message: /`fp32_in` says binary_data_size 1000 but only 16 bytes/,
    },
    {
      title: 'binary_data_size smaller than the bytes sent',
      body: () => lying(inputs[10]!, 8).body,
      headers: { 'inference-header-content-length': lying(inputs[10]!, 8).headerLength },
      status: 400,
      message: /raw bytes of `fp32_in` are 8 bytes; FP32 of shape \[4\] needs 16/,
    },
    {
      title: 'a negative binary_data_size',
      body: () => lying(inputs[10]!, -16).body,
      headers: { 'inference-header-content-length': lying(inputs[10]!, -16).headerLength },
      status: 400,
      message: /binary_data_size of `fp32_in` must be a whole number of bytes, got -16/,
    },
    {
      title: 'an overflowing binary_data_size',
      body: () => lying(inputs[10]!, 1e300).body,
      headers: { 'inference-header-content-length': lying(inputs[10]!, 1e300).headerLength },
      status: 400,
      message: /got 1e\+300/,
    },
    {
      title: 'a binary_data_size that is a string',
      body: () => lying(inputs[10]!, '16').body,
      headers: { 'inference-header-content-length': lying(inputs[10]!, '16').headerLength },
      status: 400,
      message: /got "16"/,
    },
    {
      title: 'bytes that no input accounts for',
      body: () => Buffer.concat([binaryRequest(inputs.slice(10, 11)).body, Buffer.alloc(3)]),
      headers: { 'inference-header-content-length': binaryRequest(inputs.slice(10, 11)).headerLength },
      status: 400,
      message: /^3 bytes of binary data/,
    },
    {
      title: 'binary tensors without a header length',
      body: () => binaryRequest(inputs.slice(10, 11)).body,
      status: 400,
      message: /request body is not valid JSON: binary tensors after the JSON need Inference-Header-Content-Length/,
    },
    {
      title: 'truncated BYTES elements',
      body: () => truncatedStrings().body,
      headers: { 'inference-header-content-length': truncatedStrings().headerLength },
      status: 400,
      message: /raw BYTES data of `bytes_in` is malformed: element 0 says 5 bytes but only 1 remain/,
    },
    {
      title: 'a BOOL byte other than 0 or 1',
      body: () => badBool().body,
      headers: { 'inference-header-content-length': badBool().headerLength },
      status: 400,
      message: /value 1 of `bool_in` must be a BOOL byte, 0 or 1, got 7/,
    },
    {
      title: 'both data and binary_data_size',
      body: () =>
        Buffer.from(
          JSON.stringify({
            inputs: [{ name: 'fp32_in', datatype: 'FP32', shape: [1], data: [1], parameters: { binary_data_size: 4 } }],
          }),
        ),
      status: 400,
      message: /`fp32_in` must have exactly one of `data` or parameters.binary_data_size/,
    },
    {
      title: 'a shape far larger than the limit',
      body: () => hugeShape().body,
      headers: { 'inference-header-content-length': hugeShape().headerLength },
      status: 413,
      message: /values is more than the limit/,
    },
    {
      title: 'the classification extension',
      body: () => Buffer.from(jsonBody({ outputs: [{ name: 'fp32_out', parameters: { classification: 2 } }] })),
      status: 400,
      message: /outputs\[0\] uses parameters.classification, which belongs to the classification extension/,
    },
    {
      title: 'the shared memory extension',
      body: () =>
        Buffer.from(
          JSON.stringify({
            inputs: [{ name: 'fp32_in', datatype: 'FP32', shape: [1], parameters: { shared_memory_region: 'r' } }],
          }),
        ),
      status: 400,
      message: /shared memory extension that Berth does not implement/,
    },
    {
      title: 'binary_data_output that is not a boolean',
      body: () => Buffer.from(jsonBody({ parameters: { binary_data_output: 'yes' } })),
      status: 400,
      message: /`parameters.binary_data_output` must be true or false/,
    },
    {
      title: 'a gzip bomb (16 MiB of zeros in 16 kB, past the 64 kB limit)',
      body: () => bomb(),
      headers: { 'content-encoding': 'gzip' },
      status: 413,
      message: /request body is larger than the limit of 65536 bytes/,
    },
    {
      title: 'a body that is not gzip',
      body: () => Buffer.from('not gzip at all'),
      headers: { 'content-encoding': 'gzip' },
      status: 400,
      message: /request body is not valid gzip data/,
    },
    {
      title: 'an unsupported content encoding',
      body: () => Buffer.from(jsonBody()),
      headers: { 'content-encoding': 'br' },
      status: 415,
      message: /Content-Encoding br is not supported; send gzip, deflate or identity/,
    },
  ];
  for (const testCase of hostile) {
    it(`answers ${testCase.status} for ${testCase.title}`, async () => {
      const response = await infer(testCase.body(), {
        'content-type': 'application/octet-stream',
        ...testCase.headers,
      });
      const body = JSON.parse(response.body) as { error: string };
      assert.equal(response.statusCode, testCase.status, body.error);
      assert.equal(response.headers['content-type'], 'application/json');
      assert.match(body.error, testCase.message);
    });
  }

  it('lists exactly the extensions a single-model server implements (no model repository)', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/v2' });
    assert.deepEqual(JSON.parse(response.body).extensions.sort(), [
      'berth_seed_dialect',
      'binary_tensor_data',
      'kserve_v1',
      'model_configuration',
      'statistics',
    ]);
    assert.equal((await server.app.inject({ method: 'POST', url: '/v2/repository/index' })).statusCode, 404);
  });

  it('still serves afterwards', async () => {
    const response = await infer(jsonBody());
    assert.equal(response.statusCode, 200);
  });
});

/** fp32_in with its JSON claiming `size` bytes, whatever follows. */
function lying(input: BinaryInput, size: unknown) {
  const bytes = tensorBytes(input.datatype, input.data);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        { name: input.name, datatype: input.datatype, shape: input.shape, parameters: { binary_data_size: size } },
      ],
    }),
  );
  return { body: Buffer.concat([header, bytes]), headerLength: header.length };
}

function truncatedStrings() {
  const bytes = Buffer.from([5, 0, 0, 0, 0x61]); // says 5 bytes, holds 1
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'bytes_in', datatype: 'BYTES', shape: [1], parameters: { binary_data_size: bytes.length } }],
    }),
  );
  return { body: Buffer.concat([header, bytes]), headerLength: header.length };
}

function badBool() {
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'bool_in', datatype: 'BOOL', shape: [2], parameters: { binary_data_size: 2 } }],
    }),
  );
  return { body: Buffer.concat([header, Buffer.from([1, 7])]), headerLength: header.length };
}

function hugeShape() {
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'fp32_in', datatype: 'FP32', shape: [1e15], parameters: { binary_data_size: 4 } }],
    }),
  );
  return { body: Buffer.concat([header, Buffer.alloc(4)]), headerLength: header.length };
}

function bomb(): Buffer {
  return gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
}
