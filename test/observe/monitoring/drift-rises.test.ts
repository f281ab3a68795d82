import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../../../src/observe/drift/sample.js';
import type { RunningServer } from '../../../src/serve/start-server.js';
import { get, post, startTestServer } from '../../helpers/server.js';
import { irisFolder } from './model-folder.js';

/**
 * The "done when", in process: serve iris with its reference.csv, send rows drawn from the
 * reference (no drift), then rows with petal_length shifted by +3 cm (drift) — the report and the
 * Prometheus gauges must say so — then post the true labels and read live accuracy.
 */
const table = readFileSync('examples/iris/reference.csv', 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','));
const referenceRows = table.map((cells) => cells.slice(0, 4).map(Number));
const species = table.map((cells) => cells[4]!);

function sample(count: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(random() * referenceRows.length));
}

async function send(server: RunningServer, rows: number[][]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < rows.length; start += 25) {
    const response = await post(server, '/predict', { instances: rows.slice(start, start + 25) });
    assert.equal(response.status, 200, response.raw);
    ids.push(response.headers['x-request-id'] as string);
  }
  return ids;
}

const gauge = (text: string, series: string) => {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('drift rises when the input distribution shifts (iris, served with reference.csv)', () => {
  let server: RunningServer;
  let dir: string;
  before(async () => {
    // examples/iris, with the report cache off so each GET sees the traffic just sent.
    dir = await irisFolder('monitoring:\n  reference: reference.csv\n  drift:\n    reportCacheSeconds: 0\n');
    server = await startTestServer(dir);
  });
  after(async () => {
    await server.shutdown('test done');
    await rm(dir, { recursive: true, force: true });
  });

  it('has a profile from reference.csv and its own predictions on it', async () => {
    const { status, body } = await get(server, '/v2/models/iris/drift');
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.reference.rows, 150);
    assert.equal(body.reference.source, join(dir, 'reference.csv'), 'relative to the berth.yaml');
    assert.deepEqual(
      body.features.map((score: { feature: string }) => score.feature),
      ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    );
    assert.equal(body.prediction.kind, 'categorical');
    assert.equal(body.sample_size, 0);
    assert.equal(body.drifted, false);
  });

  it('does not flag rows drawn from the reference', async () => {
    await send(
      server,
      sample(300, 7).map((i) => referenceRows[i]!),
    );
    const { body } = await get(server, '/v2/models/iris/versions/1/drift');
    assert.equal(body.sample_size, 300);
    for (const score of body.features) {
      assert.equal(score.drifted, false, `${score.feature}: ${JSON.stringify(score)}`);
      assert.ok(
        score.psi < 0.2 && score.ks_pvalue > 0.01,
        `${score.feature}: psi ${score.psi}, ks p ${score.ks_pvalue}`,
      );
    }
    assert.equal(body.prediction.drifted, false, JSON.stringify(body.prediction));
    assert.equal(body.drifted, false);
  });

  it('flags petal_length once it is shifted by +3 cm, in the report and the gauges', async () => {
    // Replace the whole window's worth of traffic: 10 000 rows would be slow, so shift enough
    // that the shifted rows dominate (600 of 900).
    await send(
      server,
      sample(600, 8).map((i) => referenceRows[i]!.map((value, column) => (column === 2 ? value + 3 : value))),
    );
    const { body } = await get(server, '/v2/models/iris/drift');
    assert.equal(body.sample_size, 900);
    assert.equal(body.drifted, true);
    assert.deepEqual(body.drifted_features, ['petal_length'], JSON.stringify(body.features));
    const petal = body.features.find((score: { feature: string }) => score.feature === 'petal_length');
    assert.ok(petal.psi > 0.5, `psi ${petal.psi}`);
    assert.ok(petal.ks_statistic > 0.3 && petal.ks_pvalue < 1e-6, JSON.stringify(petal));
    assert.deepEqual(petal.reasons, ['psi', 'ks']);
    assert.equal(body.prediction.drifted, true, 'longer petals make the forest answer virginica far more often');

    const metrics = (await get(server, '/metrics')).raw;
    assert.equal(gauge(metrics, 'berth_feature_drifted{model="iris",version="1",feature="petal_length"}'), 1);
    assert.equal(gauge(metrics, 'berth_feature_drifted{model="iris",version="1",feature="sepal_width"}'), 0);
    assert.ok(
      gauge(metrics, 'berth_feature_drift{model="iris",version="1",feature="petal_length",method="psi"}')! > 0.5,
    );
    assert.ok(
      gauge(metrics, 'berth_feature_drift{model="iris",version="1",feature="petal_length",method="ks_statistic"}')! >
        0.3,
    );
    assert.equal(gauge(metrics, 'berth_model_drifted{model="iris",version="1"}'), 1);
    assert.equal(gauge(metrics, 'berth_drift_window_rows{model="iris",version="1"}'), 900);
    assert.ok(gauge(metrics, 'berth_prediction_drift{model="iris",version="1",method="chi2_pvalue"}')! < 0.01);
  });

  it('turns feedback into live accuracy', async () => {
    // Unshifted rows with their true species: the forest knows its training data.
    const picks = sample(40, 9);
    const rows = picks.map((i) => referenceRows[i]!);
    const predicted = await post(server, '/predict', { instances: rows });
    const id = predicted.headers['x-request-id'] as string;
    const answer = await post(server, '/v2/models/iris/feedback', { id, value: picks.map((i) => species[i]) });
    assert.equal(answer.status, 200, answer.raw);
    assert.equal(answer.body.rows, 40);
    assert.ok(answer.body.correct >= 38, `correct ${answer.body.correct}`);
    assert.equal(answer.body.accuracy.task, 'classification');
    assert.equal(answer.body.accuracy.samples, 40);

    // The same id twice: feedback is taken once per prediction.
    const again = await post(server, '/v2/models/iris/feedback', { id, value: picks.map((i) => species[i]) });
    assert.equal(again.status, 404);
    assert.match(again.body.error, /no recent prediction with request id/);

    // By inputs, with class ids instead of names: a setosa flower called "virginica" (2) is wrong.
    const byInputs = await post(server, '/v2/models/iris/feedback', { instances: [[5.1, 3.5, 1.4, 0.2]], values: [2] });
    assert.equal(byInputs.status, 200, byInputs.raw);
    assert.equal(byInputs.body.correct, 0);
    assert.equal(byInputs.body.accuracy.samples, 41);

    const metrics = (await get(server, '/metrics')).raw;
    const accuracy = gauge(metrics, 'berth_live_accuracy{model="iris",version="1"}')!;
    assert.equal(accuracy, answer.body.correct / 41);
    assert.equal(gauge(metrics, 'berth_feedback_total{model="iris",outcome="matched"}'), 2);
    assert.equal(gauge(metrics, 'berth_feedback_total{model="iris",outcome="unmatched"}'), 1);

    // Feedback by inputs is not traffic: the drift window did not grow.
    const { body } = await get(server, '/v2/models/iris/drift');
    assert.equal(body.sample_size, 940);
  });
});
