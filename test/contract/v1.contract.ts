import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkTraffic, send } from './http.js';
import type { Subject } from './subject.js';

/** KServe v1 (POST /v1/models/{name}:predict): {"instances"} → {"predictions"}. */
export function v1Contract(get: () => Subject): void {
  describe('KServe v1', () => {
    it("predicts each instance's class", async () => {
      const subject = get();
      const [id] = subject.ids('v1-rows', 1, '1');
      const { status, json } = await send(subject, '/v1/models/iris:predict', { instances: subject.rows }, id);
      assert.equal(status, 200, JSON.stringify(json));
      assert.deepEqual(json, { predictions: subject.expected.classes });
    });

    it('takes named rows too, and refuses a bad one naming the feature and the row', async () => {
      const subject = get();
      const named = subject.rows
        .slice(0, 2)
        .map((row) => Object.fromEntries(subject.features.map((feature, column) => [feature, row[column]])));
      const [id] = subject.ids('v1-named', 1, '1');
      assert.deepEqual((await send(subject, '/v1/models/iris:predict', { instances: named }, id)).json, {
        predictions: subject.expected.classes.slice(0, 2),
      });
      const bad = await send(subject, '/v1/models/iris:predict', {
        instances: [subject.rows[0], { ...named[0], petal_width: 'wide' }],
      });
      assert.equal(bad.status, 400);
      assert.match(bad.json.error, /feature `petal_width` in instances\[1\] must be a number, got "wide"/);
      const unknown = await send(subject, '/v1/models/nope:predict', { instances: subject.rows });
      assert.equal(unknown.status, 404);
    });

    it('sends the canary its share, sticky per request id, and every request to the shadow', async () => {
      const subject = get();
      await checkTraffic(subject, 'v1', async (id) => {
        const { status, json } = await send(subject, '/v1/models/iris:predict', { instances: [subject.rows[2]] }, id);
        assert.equal(status, 200, JSON.stringify(json));
      });
    });
  });
}
