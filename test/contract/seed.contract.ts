import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTraffic, send } from './http.js';
import { near, type Subject } from './subject.js';

/** The seed dialect (POST /predict, /models/{name}/predict): named features, {"features"}, {"instances"}. */
export function seedContract(get: () => Subject): void {
  describe('seed dialect', () => {
    it('answers one row of named features with the class, its label and the probabilities', async () => {
      const subject = get();
      const [id] = subject.ids('seed-named', 1, '1');
      for (const [index, row] of subject.rows.slice(0, 4).entries()) {
        const body = Object.fromEntries(subject.features.map((feature, column) => [feature, row[column]]));
        const { status, json } = await send(subject, '/predict', body, `${id}`);
        assert.equal(status, 200, JSON.stringify(json));
        assert.equal(json.prediction, subject.expected.classes[index]);
        assert.equal(json.label, subject.labels[subject.expected.classes[index]!]);
        assert.ok(
          near(
            subject.labels.map((label) => json.probabilities[label]),
            subject.expected.probabilities[index]!,
            subject.tolerance,
          ),
          JSON.stringify(json),
        );
        assert.equal(json.model_version, '1');
      }
    });

    it('answers {"features"} and {"instances"} rows alike', async () => {
      const subject = get();
      const [id] = subject.ids('seed-rows', 1, '1');
      const one = await send(subject, '/models/iris/predict', { features: subject.rows[0] }, id);
      assert.equal(one.json.prediction, subject.expected.classes[0]);
      const all = await send(subject, '/models/iris/predict', { instances: subject.rows }, id);
      assert.equal(all.status, 200, JSON.stringify(all.json));
      assert.deepEqual(all.json.predictions, subject.expected.classes);
      assert.deepEqual(
        all.json.labels,
        subject.expected.classes.map((index) => subject.labels[index]),
      );
      all.json.probabilities.forEach((row: Record<string, number>, index: number) =>
        assert.ok(
          near(
            subject.labels.map((label) => row[label]!),
            subject.expected.probabilities[index]!,
            subject.tolerance,
          ),
        ),
      );
    });

    it('refuses bad rows with 400 naming the feature and the row', async () => {
      const subject = get();
      const named = Object.fromEntries(subject.features.map((feature, column) => [feature, subject.rows[0]![column]]));
      const cases: Array<[unknown, RegExp]> = [
        [{ ...named, colour: 1 }, /unknown feature `colour`/],
        [{ ...named, sepal_width: null }, /feature `sepal_width` must be a number, got null/],
        [
          { instances: [subject.rows[0], [1, 'x', 3, 4]] },
          /feature `sepal_width` in instances\[1\] must be a number, got "x"/,
        ],
        [{ features: [1, 2, 3] }, /expected 4 values per row, got 3 in `features`/],
        ['{"instances":[[1e309,1,1,1]]}', /value 0 of `float_input` is Infinity/],
      ];
      for (const [body, message] of cases) {
        const { status, json } = await send(subject, '/predict', body);
        assert.equal(status, 400, JSON.stringify(json));
        assert.match(json.error, message);
      }
    });

    it('sends the canary its share, sticky per request id, and every request to the shadow', async () => {
      const subject = get();
      await checkTraffic(subject, 'seed', async (id) => {
        const { status, json } = await send(subject, '/predict', { features: subject.rows[1] }, id);
        assert.equal(status, 200, JSON.stringify(json));
        assert.equal(json.model_version, subject.versionFor(id));
      });
    });
  });
}
