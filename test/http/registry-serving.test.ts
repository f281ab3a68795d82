import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnnxModel } from '../../src/runtime/describe-onnx.js';
import { registerModel, rollback, setAlias } from '../../src/registry/index.js';
import { startServer, type RunningServer } from '../../src/serve/start-server.js';
import { loopbackFlags, noShedding } from '../helpers/server.js';

/**
 * Serving from the registry: three versions of one model, an alias moved under sustained load
 * over a real socket without a single failed request, rollback, the OIP repository extension,
 * a tampered version refused while the good one keeps serving, canary and shadow traffic.
 */
type ModelMetadataReply = { versions: string[]; parameters: Record<string, string | number> };
const row = { sepal_length: 6.1, sepal_width: 2.8, petal_length: 4.7, petal_width: 1.2 };
const sources = ['test/fixtures/models/sk-forest-int', 'test/fixtures/models/sk-pipeline-logreg', 'examples/iris'];

async function makeRepository(): Promise<string> {
  const repository = mkdtempSync(join(tmpdir(), 'berth-repo-'));
  for (const source of sources) await registerModel({ repository, source, name: 'iris', describe: describeOnnxModel });
  await setAlias({ repository, name: 'iris', alias: 'production', target: '1' });
  return repository;
}

// Model control (the repository extension) is on only with an API key.
const key = 'registry-test-key';
const auth = { authorization: `Bearer ${key}` };
const control = (server: RunningServer, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });

async function serve(repository: string, config?: string): Promise<RunningServer> {
  const server = await startServer({
    config,
    flags: {
      ...loopbackFlags,
      'log.level': 'silent',
      'repository.path': repository,
      'server.modelControl': true,
      'server.apiKey': key,
      ...noShedding,
    },
  });
  await server.loaded;
  return server;
}

async function predict(server: RunningServer, requestId?: string) {
  const response = await fetch(`${server.url}/predict`, {
    method: 'POST',
    body: JSON.stringify(row),
    headers: { ...auth, 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
  });
  return { status: response.status, body: (await response.json()) as { model_version: string; error?: string } };
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('serving from the registry', () => {
  let repository: string;
  let server: RunningServer;
  before(async () => {
    repository = await makeRepository();
    server = await serve(repository);
  });
  after(async () => {
    await server.shutdown('test done');
    rmSync(repository, { recursive: true, force: true });
  });

  it('serves the production alias and says which version answered', async () => {
    const { status, body } = await predict(server);
    assert.equal(status, 200);
    assert.equal(body.model_version, '1');
    const metadata = (await (
      await fetch(`${server.url}/v2/models/iris`, { headers: auth })
    ).json()) as ModelMetadataReply;
    assert.deepEqual(metadata.versions, ['1']);
  });

  it('moves to a new version under sustained load without one failed request', async () => {
    const outcomes: Array<{ status: number; version: string }> = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const { status, body } = await predict(server);
        outcomes.push({ status, version: body.model_version });
      }
    };
    const clients = Array.from({ length: 16 }, client);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await setAlias({ repository, name: 'iris', alias: 'production', target: '2' });
    await until(
      async () => outcomes.slice(-20).length === 20 && outcomes.slice(-20).every((outcome) => outcome.version === '2'),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    await Promise.all(clients);
    const failed = outcomes.filter((outcome) => outcome.status !== 200);
    assert.deepEqual(failed, [], 'zero failed requests through the switch');
    assert.ok(
      outcomes.some((outcome) => outcome.version === '1') && outcomes.some((outcome) => outcome.version === '2'),
      'both versions answered',
    );
    const firstNew = outcomes.findIndex((outcome) => outcome.version === '2');
    assert.ok(
      outcomes.slice(firstNew + 16).every((outcome) => outcome.version === '2'),
      'once switched, new requests go to the new version',
    );
    await until(async () => {
      const index = (await (await control(server, '/v2/repository/index')).json()) as Array<{
        version: string;
        state: string;
      }>;
      return index.find((entry) => entry.version === '1')?.state === 'UNAVAILABLE';
    });
  });

  it('rolls back to the previous version', async () => {
    await rollback({ repository, name: 'iris', alias: 'production' });
    await until(async () => (await predict(server)).body.model_version === '1');
  });

  it('refuses a tampered version and keeps serving the good one', async () => {
    appendFileSync(join(repository, 'iris', '3', 'model.onnx'), Buffer.from([0]));
    await setAlias({ repository, name: 'iris', alias: 'production', target: '3' });
    await until(async () => {
      const index = (await (await control(server, '/v2/repository/index')).json()) as Array<{
        version: string;
        state: string;
        reason: string;
      }>;
      const three = index.find((entry) => entry.version === '3');
      return three?.state === 'FAILED' && /sha256/.test(three.reason);
    });
    const { status, body } = await predict(server);
    assert.equal(status, 200);
    assert.equal(body.model_version, '1');
  });

  it('unloads and loads through the repository extension', async () => {
    await setAlias({ repository, name: 'iris', alias: 'production', target: '2' });
    await until(async () => (await predict(server)).body.model_version === '2');
    assert.equal((await control(server, '/v2/repository/models/iris/unload')).status, 200);
    assert.equal((await predict(server)).status, 404);
    assert.equal((await fetch(`${server.url}/ready`)).status, 503, 'not ready with nothing loaded');
    assert.equal((await control(server, '/v2/repository/models/iris/load')).status, 200);
    assert.equal((await predict(server)).body.model_version, '2');
  });

  it('refuses anonymous callers, names outside the layout, bad versions and unknown names, changing nothing', async () => {
    const anonymous = await fetch(`${server.url}/v2/repository/models/iris/unload`, { method: 'POST' });
    assert.equal(anonymous.status, 401);
    const refusals: Array<[string, unknown, number, RegExp]> = [
      ['/v2/repository/models/..%2Foutside/load', {}, 400, /model name `\.\.\/outside` must be/],
      ['/v2/repository/models/%2Fetc/load', {}, 400, /model name `\/etc` must be/],
      ['/v2/repository/models/iris/load', { parameters: { version: '' } }, 400, /version `` must be a version number/],
      ['/v2/repository/models/iris/load', { parameters: { version: '../1' } }, 400, /must be a version number/],
      ['/v2/repository/models/iris/load', { parameters: { version: 9 } }, 404, /model `iris` has no version `9`/],
      ['/v2/repository/models/nobody/load', {}, 404, /unknown model `nobody`/],
    ];
    for (const [path, body, status, message] of refusals) {
      const response = await control(server, path, body);
      const text = await response.text();
      assert.equal(response.status, status, `${path} ${text}`);
      assert.match(JSON.parse(text).error, message);
      assert.ok(!text.includes(repository) && !text.includes(tmpdir()), `no path on disk in ${text}`);
    }
    for (let i = 0; i < 200; i++)
      assert.equal((await control(server, `/v2/repository/models/unknown-${i}/load`)).status, 404);
    // Alias following went on through all of that: a moved alias is still followed.
    await setAlias({ repository, name: 'iris', alias: 'production', target: '1' });
    await until(async () => (await predict(server)).body.model_version === '1');
  });
});

describe('model control off (the default)', () => {
  it('answers 403 on the repository extension, saying how to turn it on', async () => {
    const repository = await makeRepository();
    const server = await startServer({
      flags: {
        ...loopbackFlags,
        'log.level': 'silent',
        'repository.path': repository,
      },
    });
    try {
      await server.loaded;
      const response = await fetch(`${server.url}/v2/repository/models/iris/unload`, { method: 'POST' });
      assert.equal(response.status, 403);
      assert.match(((await response.json()) as { error: string }).error, /model control is off.*--model-control/);
      assert.equal((await fetch(`${server.url}/ready`)).status, 200, 'still serving');
    } finally {
      await server.shutdown('test done');
      rmSync(repository, { recursive: true, force: true });
    }
  });
});

describe('canary and shadow traffic', () => {
  let repository: string;
  let server: RunningServer;
  before(async () => {
    repository = await makeRepository();
    const config = join(repository, 'berth.yaml');
    writeFileSync(config, 'traffic:\n  iris:\n    canary: { version: 2, percent: 10 }\n    shadow: { version: 3 }\n');
    server = await serve(repository, config);
  });
  after(async () => {
    await server.shutdown('test done');
    rmSync(repository, { recursive: true, force: true });
  });

  it('sends about 10% to the canary, sticky per request id', async () => {
    const versions: string[] = [];
    for (let index = 0; index < 600; index++) versions.push((await predict(server, `req-${index}`)).body.model_version);
    const share = versions.filter((version) => version === '2').length / versions.length;
    assert.ok(share > 0.06 && share < 0.14, `canary share ${share}`);
    assert.ok(
      versions.every((version) => version === '1' || version === '2'),
      'the shadow never answers',
    );
    for (let index = 0; index < 50; index++)
      assert.equal(
        (await predict(server, `req-${index}`)).body.model_version,
        versions[index],
        'same id, same version',
      );
  });

  it('compares the shadow and reports the disagreement rate', async () => {
    await until(async () => {
      const metadata = (await (
        await fetch(`${server.url}/v2/models/iris`, { headers: auth })
      ).json()) as ModelMetadataReply;
      return Number(metadata.parameters.shadow_compared) >= 500;
    });
    const metadata = (await (
      await fetch(`${server.url}/v2/models/iris`, { headers: auth })
    ).json()) as ModelMetadataReply;
    assert.equal(metadata.parameters.shadow_version, '3');
    assert.equal(typeof metadata.parameters.shadow_disagreement_rate, 'number');
    const rate = Number(metadata.parameters.shadow_disagreement_rate);
    assert.ok(rate >= 0 && rate <= 1);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(
      text,
      /berth_shadow_comparisons_total\{model="iris",version="1",shadow_version="3",agreed="true"\} \d+/,
    );
  });
});
