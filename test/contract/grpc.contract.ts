import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { status, type ServiceError } from '@grpc/grpc-js';
import { call, rawOf } from '../grpc/client.js';
import type { Subject } from './subject.js';
import { checkAnswer } from './v2-json.contract.js';

const typed = (rows: number[][], extra: object = {}) => ({
  model_name: 'iris',
  inputs: [
    { name: 'float_input', datatype: 'FP32', shape: [rows.length, 4], contents: { fp32_contents: rows.flat() } },
  ],
  ...extra,
});
const raw = (rows: number[][], extra: object = {}) => ({
  model_name: 'iris',
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: [rows.length, 4] }],
  raw_input_contents: [rawOf(rows.flat(), Float32Array)],
  ...extra,
});

/** The outputs of a ModelInfer reply as {name, shape, data}, typed or raw. */
function outputsOf(reply: any) {
  return reply.outputs.map((output: any, index: number) => {
    const shape = output.shape.map(Number);
    if (reply.raw_output_contents.length === 0)
      return {
        name: output.name,
        shape,
        data: (Object.values(output.contents).find((values) => (values as unknown[]).length > 0) as unknown[]).map(
          Number,
        ),
      };
    const bytes = new Uint8Array(reply.raw_output_contents[index]).buffer;
    return {
      name: output.name,
      shape,
      data:
        output.datatype === 'INT64'
          ? Array.from(new BigInt64Array(bytes), Number)
          : Array.from(new Float32Array(bytes)),
    };
  });
}

const refused = (code: status, message: RegExp) => (error: ServiceError) => {
  assert.equal(status[error.code], status[code], error.details);
  assert.match(error.details, message);
  return true;
};

/** Open Inference Protocol v2 over gRPC (ModelInfer), typed and raw contents. */
export function grpcContract(get: () => Subject): void {
  describe('OIP v2 gRPC', () => {
    it('answers typed and raw contents, in the form asked', async () => {
      const subject = get();
      const [id] = subject.ids('grpc', 1, '1');
      const typedReply = await call(subject.grpc, 'ModelInfer', typed(subject.rows), {
        metadata: { 'x-request-id': id! },
      });
      assert.equal(typedReply.model_version, '1');
      assert.equal(typedReply.raw_output_contents.length, 0);
      checkAnswer(subject, outputsOf(typedReply));
      const rawReply = await call(subject.grpc, 'ModelInfer', raw(subject.rows, { model_version: '1', id: 'case-2' }));
      assert.equal(rawReply.raw_output_contents.length, 2);
      assert.equal(rawReply.id, 'case-2');
      checkAnswer(subject, outputsOf(rawReply));
    });

    it('refuses what does not fit the signature with INVALID_ARGUMENT naming what and where', async () => {
      const subject = get();
      const one = subject.rows.slice(0, 1);
      await assert.rejects(
        call(subject.grpc, 'ModelInfer', { ...typed(one), model_name: '' }),
        refused(status.INVALID_ARGUMENT, /`model_name` must be/),
      );
      await assert.rejects(
        call(
          subject.grpc,
          'ModelInfer',
          typed(one, {
            inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } }],
          }),
        ),
        refused(status.INVALID_ARGUMENT, /unknown input `x`/),
      );
      await assert.rejects(
        call(
          subject.grpc,
          'ModelInfer',
          raw(one, { raw_input_contents: [rawOf([Number.NaN, 1, 1, 1], Float32Array)] }),
        ),
        refused(status.INVALID_ARGUMENT, /value 0 of `float_input` is missing/),
      );
      await assert.rejects(
        call(subject.grpc, 'ModelInfer', typed(one, { model_version: '9' })),
        refused(status.NOT_FOUND, /has no version `9`/),
      );
    });

    it('sends the canary its share, sticky per request id, every request to the shadow, and a named version alone', async () => {
      const subject = get();
      const ids = [...subject.ids('grpc-stable', 6, '1'), ...subject.ids('grpc-canary', 6, '2')];
      for (const id of [...ids, ...ids.slice(0, 4)]) {
        const reply = await call(subject.grpc, 'ModelInfer', raw(subject.rows.slice(0, 2)), {
          metadata: { 'x-request-id': id },
        });
        assert.equal(reply.model_version, subject.versionFor(id), id);
      }
      const compared = await subject.shadowed([...ids, ...ids.slice(0, 4)]);
      assert.ok(
        compared.every((event) => event.shadowVersion === '3' && event.error === undefined),
        JSON.stringify(compared),
      );
      const [pinned] = subject.ids('grpc-pinned', 1, '2');
      const [after] = subject.ids('grpc-after', 1, '1');
      assert.equal(
        (
          await call(subject.grpc, 'ModelInfer', raw(subject.rows, { model_version: '1' }), {
            metadata: { 'x-request-id': pinned! },
          })
        ).model_version,
        '1',
      );
      await call(subject.grpc, 'ModelInfer', raw(subject.rows), { metadata: { 'x-request-id': after! } });
      await subject.shadowed([after!]);
      assert.ok(
        !subject.shadows.some((event) => event.requestId === pinned),
        'a request naming its version is not copied to the shadow',
      );
    });
  });
}
