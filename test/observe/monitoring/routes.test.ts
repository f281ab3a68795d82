import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnnxModel } from '../../../src/runtime/describe-onnx.js';
import { profileFromCsv } from '../../../src/observe/drift/profile-csv.js';
import { registerModel, setAlias } from '../../../src/registry/index.js';
import { startServer, type RunningServer } from '../../../src/serve/start-server.js';
import { get, loadCase, loopbackFlags, post, startTestServer } from '../../helpers/server.js';
import { irisFolder, modelFolder } from './model-folder.js';

/**
 * GET /v2/models/{name}/drift and POST /v2/models/{name}/feedback through fastify inject: errors,
 * regression feedback, registry-stored profiles with canary traffic, one-input-per-feature
 * models, payload logging, monitoring switched off.
 */
const setosa = [5.1, 3.5, 1.4, 0.2];

describe('monitoring routes: errors', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer('test/fixtures/models/sk-forest-int');
  });
  after(async () => server.shutdown('test done'));

  it('404s unknown models and versions, and models without a reference profile', async () => {
    const unknown = await get(server, '/v2/models/nope/drift');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /unknown model `nope`/);
    const version = await get(server, '/v2/models/sk-forest-int/versions/9/drift');
    assert.equal(version.status, 404);
    assert.match(version.body.error, /has no version `9`/);
    const none = await get(server, '/v2/models/sk-forest-int/drift');
    assert.equal(none.status, 404);
    assert.match(none.body.error, /has no reference profile/);
  });

  it('still takes feedback without a reference profile', async () => {
    const predicted = await post(server, '/predict', { features: setosa });
    const answer = await post(server, '/v2/models/sk-forest-int/feedback', {
      id: predicted.headers['x-request-id'],
      value: 'setosa',
    });
    assert.equal(answer.status, 200, answer.raw);
    assert.equal(answer.body.accuracy.accuracy, 1);
  });

  it('refuses malformed feedback with 400 and says what is wrong', async () => {
    const predicted = await post(server, '/predict', { instances: [setosa, setosa] });
    const id = predicted.headers['x-request-id'] as string;
    const cases: Array<[unknown, number, RegExp]> = [
      [[1, 2], 400, /request body must be a JSON object/],
      [{ id: 5, value: 'setosa' }, 400, /`id` must be the X-Request-Id/],
      [{ id }, 400, /`value` must be the true value/],
      [{ id, value: 'setosa', values: ['x'] }, 400, /cannot be combined/],
      [{ id, value: 'setosa', extra: 1 }, 400, /`extra` must be absent/],
      [{ id, value: 'setosa' }, 400, /2 value\(s\), one per predicted row/],
      [{ id, value: [{ a: 1 }, 'setosa'] }, 400, /feedback value must be a class label/],
      [{ instances: [setosa], values: [] }, 400, /`values` must be a non-empty array/],
      [{ instances: [setosa], values: ['setosa', 'setosa'] }, 400, /`instances` must be an array of 2 rows/],
      [{ instances: [[1, 2]], values: ['setosa'] }, 400, /expected 4 values per row/],
      [{ id: 'never-seen', value: 'setosa' }, 404, /no recent prediction with request id `never-seen`/],
    ];
    for (const [body, status, pattern] of cases) {
      const answer = await post(server, '/v2/models/sk-forest-int/feedback', body);
      assert.equal(answer.status, status, `${JSON.stringify(body)} → ${answer.raw}`);
      assert.match(answer.body.error, pattern);
    }
    assert.equal((await post(server, '/v2/models/nope/feedback', { id, value: 1 })).status, 404);
    const metrics = (await get(server, '/metrics')).raw;
    assert.match(metrics, /berth_feedback_total\{model="sk-forest-int",outcome="rejected"\} 2/);
    assert.match(metrics, /berth_feedback_total\{model="sk-forest-int",outcome="unmatched"\} 1/);
  });
});

describe('feedback for a regressor: MAE and RMSE', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer('test/fixtures/models/sk-regressor');
  });
  after(async () => server.shutdown('test done'));

  it('averages absolute and squared errors over the window', async () => {
    const rows = loadCase('sk-regressor').inputs.float_input!.data.slice(0, 20) as number[];
    const predicted = await post(server, '/predict', { instances: [rows.slice(0, 10), rows.slice(10, 20)] });
    const [a, b] = predicted.body.predictions as number[];
    // Truths 3 above and 4 below the predictions: MAE 3.5, RMSE √12.5.
    const answer = await post(server, '/v2/models/sk-regressor/feedback', {
      id: predicted.headers['x-request-id'],
      value: [a! + 3, b! - 4],
    });
    assert.equal(answer.status, 200, answer.raw);
    assert.equal(answer.body.accuracy.task, 'regression');
    assert.ok(Math.abs(answer.body.accuracy.mae - 3.5) < 1e-3, JSON.stringify(answer.body));
    assert.ok(Math.abs(answer.body.accuracy.rmse - Math.sqrt(12.5)) < 1e-3);
    assert.equal(answer.body.accuracy.accuracy, null);
    const metrics = (await get(server, '/metrics')).raw;
    assert.match(metrics, /berth_live_mae\{model="sk-regressor",version="1"\} 3\.5/);
    assert.match(metrics, /berth_live_rmse\{model="sk-regressor",version="1"\} 3\.53/);
    const text = await post(server, '/v2/models/sk-regressor/feedback', { id: 'x', value: 'tall' });
    assert.equal(text.status, 404, 'an unknown id is reported before the value is looked at');
  });
});

describe("a registry version's stored profile, with canary traffic", () => {
  let repository: string;
  let server: RunningServer;
  before(async () => {
    repository = mkdtempSync(join(tmpdir(), 'berth-repo-'));
    const profile = await profileFromCsv('examples/iris/reference.csv', {
      features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    });
    for (let i = 0; i < 2; i++) {
      await registerModel({
        repository,
        source: 'examples/iris',
        name: 'iris',
        describe: describeOnnxModel,
        reference: { source: 'examples/iris/reference.csv', profile },
      });
    }
    await setAlias({ repository, name: 'iris', alias: 'production', target: '1' });
    const config = join(repository, 'berth.yaml');
    await writeFile(config, 'traffic:\n  iris:\n    canary: { version: 2, percent: 50 }\n');
    server = await startServer({
      config,
      flags: {
        ...loopbackFlags,
        'log.level': 'silent',
        'repository.path': repository,
      },
    });
    await server.loaded;
  });
  after(async () => {
    await server.shutdown('test done');
    await rm(repository, { recursive: true, force: true });
  });

  it('reports drift per version from the stored profile', async () => {
    const current = await get(server, '/v2/models/iris/drift');
    assert.equal(current.status, 200, current.raw);
    assert.equal(current.body.version, '1');
    assert.equal(current.body.reference.source, 'examples/iris/reference.csv');
    assert.equal(current.body.prediction, null, 'registered without predictions');
    const canary = await get(server, '/v2/models/iris/versions/2/drift');
    assert.equal(canary.body.version, '2');
  });

  it('finds the version that answered when feedback names a request id', async () => {
    const versions = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const predicted = await post(server, '/predict', { features: setosa }, { 'x-request-id': `canary-${i}` });
      assert.equal(predicted.status, 200);
      const answer = await post(server, '/v2/models/iris/feedback', { id: `canary-${i}`, value: 'setosa' });
      assert.equal(answer.status, 200, answer.raw);
      assert.equal(answer.body.version, predicted.body.model_version);
      versions.add(answer.body.version);
    }
    assert.deepEqual([...versions].sort(), ['1', '2'], 'both versions answered some');
  });
});

describe('a model with one input per feature (ColumnTransformer), string column included', () => {
  let dir: string;
  let server: RunningServer;
  before(async () => {
    const inputs = loadCase('sk-column-transformer').inputs;
    const rows = inputs.plan!.data.map(
      (plan, i) => `${inputs.monthly_spend!.data[i]},${plan},${inputs.tenure_months!.data[i]}`,
    );
    dir = await modelFolder('test/fixtures/models/sk-column-transformer', 'monitoring:\n  reference: ref.csv\n', {
      'ref.csv': `monthly_spend,plan,tenure_months\n${rows.join('\n')}\n`,
    });
    server = await startTestServer(dir);
  });
  after(async () => {
    await server.shutdown('test done');
    await rm(dir, { recursive: true, force: true });
  });

  it('profiles the columns by name and reads each live row from three tensors', async () => {
    const inputs = loadCase('sk-column-transformer').inputs;
    const instances = inputs.plan!.data.map((plan, i) => ({
      plan,
      tenure_months: inputs.tenure_months!.data[i],
      monthly_spend: inputs.monthly_spend!.data[i],
    }));
    assert.equal((await post(server, '/predict', { instances })).status, 200);
    const { status, body } = await get(server, '/v2/models/sk-column-transformer/drift');
    assert.equal(status, 200, JSON.stringify(body));
    // The model's order, whatever the CSV's.
    assert.deepEqual(
      body.features.map((score: { feature: string; kind: string }) => [score.feature, score.kind]),
      [
        ['plan', 'categorical'],
        ['tenure_months', 'numeric'],
        ['monthly_spend', 'numeric'],
      ],
    );
    assert.equal(body.sample_size, instances.length);
    const plan = body.features[0];
    assert.equal(plan.samples, instances.length);
    assert.ok(plan.psi < 1e-6, `same rows, same categories: ${JSON.stringify(plan)}`);
    assert.equal(body.prediction.kind, 'categorical');
    assert.ok(body.prediction.psi < 1e-6, 'the model answers the reference rows as it answered them at load');
  });
});

describe('payload logging', () => {
  let dir: string;
  let server: RunningServer;
  before(async () => {
    dir = await irisFolder(
      'monitoring:\n  reference: reference.csv\n  payloadLog:\n    dir: logs\n    sampleRate: 1\n',
    );
    server = await startTestServer(dir);
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('writes each inference as a JSON line with its request id, model and version, and flushes on drain', async () => {
    await post(server, '/predict', { features: setosa }, { 'x-request-id': 'logged-1' });
    await post(
      server,
      '/v2/models/iris/infer',
      { inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4], data: setosa }] },
      { 'x-request-id': 'logged-2' },
    );
    await post(
      server,
      '/v2/models/iris/feedback',
      { instances: [setosa], values: ['setosa'] },
      { 'x-request-id': 'not-traffic' },
    );
    const bad = await post(server, '/v2/models/iris/infer', {
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 'x'] }],
    });
    assert.equal(bad.status, 400, 'refused before the data plane: not an inference');
    await server.shutdown('test done');
    const lines = (await readFile(join(dir, 'logs', 'payloads.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((line) => line.request_id),
      ['logged-1', 'logged-2'],
    );
    assert.deepEqual(
      lines.map((line) => [line.model, line.version]),
      [
        ['iris', '1'],
        ['iris', '1'],
      ],
    );
    assert.deepEqual(lines[0].request.inputs[0].data, Array.from(new Float32Array(setosa)));
    assert.deepEqual(
      lines[1].response.outputs.find((output: { name: string }) => output.name === 'output_label').data,
      [0],
    );
    assert.ok(lines[0].latency_ms >= 0);
    assert.deepEqual(await readdir(join(dir, 'logs')), ['payloads.jsonl']);
    const counted = (await server.metrics.registry.metrics())
      .split('\n')
      .filter((line) => line.startsWith('berth_payload_log_entries_total'));
    assert.deepEqual(counted, ['berth_payload_log_entries_total{outcome="written"} 2']);
  });
});

describe('monitoring switched off', () => {
  let dir: string;
  let server: RunningServer;
  before(async () => {
    dir = await irisFolder('monitoring:\n  enabled: false\n  reference: reference.csv\n');
    server = await startTestServer(dir);
  });
  after(async () => {
    await server.shutdown('test done');
    await rm(dir, { recursive: true, force: true });
  });

  it('says so on both routes, and keeps serving', async () => {
    const predicted = await post(server, '/predict', { features: setosa });
    assert.equal(predicted.status, 200);
    const drift = await get(server, '/v2/models/iris/drift');
    assert.equal(drift.status, 404);
    assert.match(drift.body.error, /not monitored: monitoring\.enabled is false/);
    const feedback = await post(server, '/v2/models/iris/feedback', {
      id: predicted.headers['x-request-id'],
      value: 'setosa',
    });
    assert.equal(feedback.status, 404);
    assert.doesNotMatch((await get(server, '/metrics')).raw, /berth_feature_drift\{/);
  });
});

describe('a reference that does not fit the model', () => {
  it('fails the load, naming the missing column', async () => {
    const reference = readFileSync('examples/iris/reference.csv', 'utf8').replace('petal_width', 'petal_wide');
    const dir = await modelFolder('examples/iris', 'monitoring:\n  reference: reference.csv\n', {
      'reference.csv': reference,
    });
    try {
      await assert.rejects(startTestServer(dir), /has no column `petal_width`/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
