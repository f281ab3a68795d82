import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { binaryRequest, replyOutputs } from '../helpers/binary-body.js';
import { checkTraffic, send } from './http.js';
import type { Subject } from './subject.js';
import { checkAnswer } from './v2-json.contract.js';

/** A binary body of the rows, asking for binary outputs. */
function binaryBody(rows: number[][], extra: Record<string, unknown> = { parameters: { binary_data_output: true } }) {
  const { body, headerLength } = binaryRequest(
    [{ name: 'float_input', datatype: 'FP32', shape: [rows.length, 4], data: rows.flat() }],
    extra,
  );
  return {
    body,
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength) },
  };
}

/** Open Inference Protocol v2 over REST with the binary tensor data extension. */
export function v2BinaryContract(get: () => Subject): void {
  describe('OIP v2 REST, binary tensors', () => {
    it('answers binary inputs with binary outputs, and each output as asked', async () => {
      const subject = get();
      const { body, headers } = binaryBody(subject.rows);
      const reply = await send(subject, '/v2/models/iris/versions/1/infer', body, undefined, headers);
      assert.equal(reply.status, 200, reply.raw.toString());
      assert.equal(reply.headers['content-type'], 'application/octet-stream');
      const outputs = replyOutputs(reply.raw, reply.headers['inference-header-content-length'] as string);
      assert.ok(outputs.every((output) => output.binary));
      checkAnswer(subject, outputs);
      const mixed = binaryBody(subject.rows, {
        outputs: [{ name: 'output_label', parameters: { binary_data: true } }, { name: 'output_probability' }],
      });
      const answer = await send(subject, '/v2/models/iris/versions/1/infer', mixed.body, undefined, mixed.headers);
      assert.deepEqual(
        replyOutputs(answer.raw, answer.headers['inference-header-content-length'] as string).map(
          (output) => output.binary,
        ),
        [true, false],
      );
    });

    it('refuses bytes that do not add up, before reading them', async () => {
      const subject = get();
      const { body, headers } = binaryBody(subject.rows.slice(0, 2));
      const short = await send(subject, '/v2/models/iris/infer', body.subarray(0, body.length - 4), undefined, headers);
      assert.equal(short.status, 400);
      assert.match(short.json.error, /binary_data_size/);
      const lying = await send(subject, '/v2/models/iris/infer', body, undefined, {
        ...headers,
        'inference-header-content-length': String(body.length + 1),
      });
      assert.equal(lying.status, 400);
    });

    it('sends the canary its share, sticky per request id, and every request to the shadow', async () => {
      const subject = get();
      await checkTraffic(subject, 'v2-binary', async (id) => {
        const { body, headers } = binaryBody(subject.rows.slice(0, 3));
        const reply = await send(subject, '/v2/models/iris/infer', body, id, headers);
        assert.equal(reply.status, 200);
        const json = JSON.parse(
          reply.raw.subarray(0, Number(reply.headers['inference-header-content-length'])).toString('utf8'),
        );
        assert.equal(json.model_version, subject.versionFor(id));
      });
    });
  });
}
