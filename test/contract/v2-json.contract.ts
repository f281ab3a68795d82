import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTraffic, send } from './http.js';
import { near, type Subject } from './subject.js';

const nest = (rows: number[][]) => rows;
const flat = (rows: number[][]) => rows.flat();
export const v2Body = (rows: number[][], data: (rows: number[][]) => unknown = flat, extra: object = {}) => ({
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: [rows.length, 4], data: data(rows) }],
  ...extra,
});

/** The answer's label and probability outputs, checked against version 1's. */
export function checkAnswer(
  subject: Subject,
  outputs: Array<{ name: string; shape: number[]; data: unknown[] }>,
  rows = subject.rows.length,
): void {
  const label = outputs.find((output) => output.name === 'output_label')!;
  const probability = outputs.find((output) => output.name === 'output_probability')!;
  assert.deepEqual(label.shape, [rows]);
  assert.deepEqual(label.data.map(Number), subject.expected.classes.slice(0, rows));
  assert.deepEqual(probability.shape, [rows, 3]);
  assert.ok(
    near(probability.data.map(Number), subject.expected.probabilities.slice(0, rows).flat(), subject.tolerance),
    JSON.stringify(probability.data),
  );
}

/** Open Inference Protocol v2 over REST with JSON tensors (POST /v2/models/{name}[/versions/{v}]/infer). */
export function v2JsonContract(get: () => Subject): void {
  describe('OIP v2 REST, JSON tensors', () => {
    it('answers flat and nested data, on the model and on a named version', async () => {
      const subject = get();
      const [id] = subject.ids('v2-json', 1, '1');
      for (const [url, body] of [
        ['/v2/models/iris/infer', v2Body(subject.rows, flat, { id: 'case-1' })],
        ['/v2/models/iris/versions/1/infer', v2Body(subject.rows, nest)],
      ] as const) {
        const { status, json } = await send(subject, url, body, id);
        assert.equal(status, 200, JSON.stringify(json));
        assert.equal(json.model_name, 'iris');
        assert.equal(json.model_version, '1');
        checkAnswer(subject, json.outputs);
      }
      assert.equal(
        (await send(subject, '/v2/models/iris/infer', v2Body(subject.rows, flat, { id: 'case-1' }), id)).json.id,
        'case-1',
      );
    });

    it('returns only the outputs asked for', async () => {
      const subject = get();
      const { json } = await send(
        subject,
        '/v2/models/iris/versions/1/infer',
        v2Body(subject.rows, flat, { outputs: [{ name: 'output_label' }] }),
      );
      assert.deepEqual(
        json.outputs.map((output: { name: string }) => output.name),
        ['output_label'],
      );
    });

    it('refuses what does not fit the signature with 400 naming what and where', async () => {
      const subject = get();
      const one = subject.rows.slice(0, 1);
      const cases: Array<[unknown, RegExp]> = [
        [
          { inputs: [{ ...v2Body(one).inputs[0], datatype: 'FP64' }] },
          /datatype FP32 expected for `float_input`, got FP64/,
        ],
        [{ inputs: [{ ...v2Body(one).inputs[0], name: 'x' }] }, /unknown input `x` for model `iris`/],
        [
          { inputs: [{ ...v2Body(one).inputs[0], shape: [2, 2] }] },
          /shape \[2,2\] of `float_input` does not fit the model's \[-1,4\]/,
        ],
        [{ inputs: [{ ...v2Body(one).inputs[0], data: ['NaN', 1, 1, 1] }] }, /value 0 of `float_input` is missing/],
        [
          v2Body(one, flat, { outputs: [{ name: 'output_label' }, { name: 'output_label' }] }),
          /output `output_label` is requested more than once/,
        ],
        [{ inputs: [] }, /`inputs` must be a non-empty array/],
      ];
      for (const [body, message] of cases) {
        const { status, json } = await send(subject, '/v2/models/iris/infer', body);
        assert.equal(status, 400, JSON.stringify(json));
        assert.match(json.error, message);
      }
      assert.equal((await send(subject, '/v2/models/iris/versions/9/infer', v2Body(one))).status, 404);
    });

    it('sends the canary its share, sticky per request id, every request to the shadow, and a named version alone', async () => {
      const subject = get();
      await checkTraffic(subject, 'v2-json', async (id) => {
        const { status, json } = await send(subject, '/v2/models/iris/infer', v2Body(subject.rows.slice(0, 2)), id);
        assert.equal(status, 200, JSON.stringify(json));
        assert.equal(json.model_version, subject.versionFor(id));
      });
      const [pinned] = subject.ids('v2-json-pinned', 1, '2');
      const [after] = subject.ids('v2-json-after', 1, '1');
      assert.equal(
        (await send(subject, '/v2/models/iris/versions/1/infer', v2Body(subject.rows), pinned)).json.model_version,
        '1',
        'a named version answers, whatever the canary',
      );
      await send(subject, '/v2/models/iris/infer', v2Body(subject.rows), after);
      await subject.shadowed([after!]);
      assert.ok(
        !subject.shadows.some((event) => event.requestId === pinned),
        'a request naming its version is not copied to the shadow',
      );
    });
  });
}
