import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@grpc/grpc-js';
import type { RunningGrpcServer } from '../../src/grpc/server.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { closeEnough, fixturesDir, loadCase, post, type FixtureCase } from '../helpers/server.js';
import { call, startGrpcStack, stopGrpcStack, rawStrings } from './client.js';

/**
 * Fixtures covering INT64, FP64 and BYTES inputs, BYTES and FP64 outputs, and several inputs at
 * once: typed and raw gRPC must both give the ORIGINAL framework's answers and REST's.
 */
const models = ['torch-int64', 'sk-float64', 'sk-column-transformer', 'sk-tree-strings', 'torch-two-inputs'];

const typedField: Record<string, string> = {
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  INT64: 'int64_contents',
  BYTES: 'bytes_contents',
};

function typedRequest(model: string, fixture: FixtureCase) {
  return {
    model_name: model,
    inputs: Object.entries(fixture.inputs).map(([name, input]) => ({
      name,
      datatype: input.datatype,
      shape: input.shape,
      contents: {
        [typedField[input.datatype]!]:
          input.datatype === 'BYTES' ? input.data.map((value) => Buffer.from(String(value))) : input.data,
      },
    })),
  };
}

/** Raw bytes written independently of Berth's codec, with DataView / Triton's BYTES layout. */
function rawBytes(datatype: string, values: unknown[]): Buffer {
  if (datatype === 'BYTES') return rawStrings(values.map(String));
  const width = { FP32: 4, FP64: 8, INT64: 8 }[datatype]!;
  const view = new DataView(new ArrayBuffer(values.length * width));
  values.forEach((value, i) => {
    if (datatype === 'FP32') view.setFloat32(i * 4, value as number, true);
    else if (datatype === 'FP64') view.setFloat64(i * 8, value as number, true);
    else view.setBigInt64(i * 8, BigInt(value as number), true);
  });
  return Buffer.from(view.buffer);
}

function rawRequest(model: string, fixture: FixtureCase) {
  const inputs = Object.entries(fixture.inputs);
  return {
    model_name: model,
    inputs: inputs.map(([name, input]) => ({ name, datatype: input.datatype, shape: input.shape })),
    raw_input_contents: inputs.map(([, input]) => rawBytes(input.datatype, input.data)),
  };
}

function fromRaw(datatype: string, bytes: Buffer): unknown[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: unknown[] = [];
  if (datatype === 'BYTES') {
    for (let offset = 0; offset < bytes.length;) {
      const length = view.getUint32(offset, true);
      out.push(bytes.subarray(offset + 4, offset + 4 + length).toString('utf8'));
      offset += 4 + length;
    }
    return out;
  }
  const width = { FP32: 4, FP64: 8, INT64: 8 }[datatype]!;
  for (let offset = 0; offset < bytes.length; offset += width) {
    out.push(
      datatype === 'FP32'
        ? view.getFloat32(offset, true)
        : datatype === 'FP64'
          ? view.getFloat64(offset, true)
          : Number(view.getBigInt64(offset, true)),
    );
  }
  return out;
}

function outputsOf(reply: any): Record<string, { datatype: string; shape: number[]; data: unknown[] }> {
  const raw = reply.raw_output_contents.length > 0;
  return Object.fromEntries(
    reply.outputs.map((output: any, index: number) => {
      let data: unknown[];
      if (raw) data = fromRaw(output.datatype, reply.raw_output_contents[index]);
      else {
        const values = (output.contents[typedField[output.datatype]!] ?? []) as unknown[];
        data = values.map((value) =>
          output.datatype === 'BYTES'
            ? (value as Buffer).toString('utf8')
            : output.datatype === 'INT64'
              ? Number(value)
              : value,
        );
      }
      return [output.name, { datatype: output.datatype, shape: output.shape.map(Number), data }];
    }),
  );
}

for (const model of models) {
  const fixture = loadCase(model);
  describe(`gRPC datatypes: ${model}`, () => {
    let server: RunningServer;
    let grpc: RunningGrpcServer;
    let client: Client;
    before(async () => {
      ({ server, grpc, client } = await startGrpcStack(`${fixturesDir}/${model}`, {}, { name: model }));
    });
    after(() => stopGrpcStack({ server, grpc, client }));

    for (const form of ['typed', 'raw'] as const) {
      it(`${form} contents give the original model's answers and REST's`, async () => {
        const reply = await call(
          client,
          'ModelInfer',
          form === 'typed' ? typedRequest(model, fixture) : rawRequest(model, fixture),
        );
        assert.equal(reply.raw_output_contents.length > 0, form === 'raw');
        const outputs = outputsOf(reply);
        const rest = await post(server, `/v2/models/${model}/infer`, {
          inputs: Object.entries(fixture.inputs).map(([name, input]) => ({ name, ...input })),
        });
        assert.equal(rest.status, 200, JSON.stringify(rest.body));
        for (const [name, expected] of Object.entries(fixture.expected)) {
          const actual = outputs[name];
          assert.ok(actual, `output ${name} missing`);
          assert.equal(actual.datatype, expected.datatype);
          assert.deepEqual(actual.shape, expected.shape);
          assert.equal(
            closeEnough(actual.data, expected.data, fixture.tolerance),
            -1,
            `${name} differs from the original model`,
          );
          assert.deepEqual(
            actual.data,
            rest.body.outputs.find((output: { name: string }) => output.name === name).data,
            `${name} differs from REST`,
          );
        }
      });
    }
  });
}
