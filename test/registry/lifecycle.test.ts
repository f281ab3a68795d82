import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { errors } from '../../src/core/errors.js';
import {
  deleteVersion,
  listModels,
  registerModel,
  resolveModel,
  rollback,
  setAlias,
} from '../../src/registry/index.js';
import { describe, fixtureFolder, tempFolder, writeTinyModel } from './helpers.js';

let work: Awaited<ReturnType<typeof tempFolder>>;
let repository: string;
const models: string[] = [];

before(async () => {
  work = await tempFolder();
  repository = join(work.path, 'repo');
  for (const offset of [1, 2, 3]) models.push(await writeTinyModel(work.path, offset));
});
after(() => work.cleanup());

test('three registers make versions 1, 2, 3 with hash, signature, producer and metrics', async () => {
  for (const [index, source] of models.entries()) {
    const result = await registerModel({
      repository,
      source,
      name: 'tiny',
      describe,
      metrics: { score: index / 10 },
      params: { offset: String(index + 1) },
      description: `offset ${index + 1}`,
    });
    assert.equal(result.version, index + 1);
  }
  assert.deepEqual(
    await readdir(join(repository, 'tiny')).then((entries) => entries.filter((entry) => /^\d+$/.test(entry)).sort()),
    ['1', '2', '3'],
  );
  const latest = await resolveModel(repository, 'tiny');
  assert.equal(latest.version, 3);
  assert.equal(latest.path, join(repository, 'tiny', '3', 'model.onnx'));
  const meta = latest.metadata;
  assert.match(meta.sha256, /^[0-9a-f]{64}$/);
  assert.equal(meta.files['model.onnx']!.sha256, meta.sha256);
  assert.deepEqual(meta.signature.inputs, [{ name: 'X', datatype: 'FP32', shape: [-1, 2] }]);
  assert.deepEqual(meta.signature.outputs, [{ name: 'Y', datatype: 'FP32', shape: [-1, 2] }]);
  assert.deepEqual(meta.producer, { name: 'berth-tests', version: '1' });
  assert.deepEqual(meta.opsets, { 'ai.onnx': 13 });
  assert.deepEqual(meta.metrics, { score: 0.2 });
  assert.deepEqual(meta.params, { offset: '3' });
  assert.equal(meta.description, 'offset 3');
  assert.ok(!Number.isNaN(Date.parse(meta.createdAt)));
  const versionFile = JSON.parse(await readFile(join(repository, 'tiny', '2', 'berth-version.json'), 'utf8'));
  assert.equal(versionFile.version, 2);
  assert.notEqual(versionFile.sha256, meta.sha256, 'different models hash differently');
});

test('alias, move, rollback step back through the history', async () => {
  assert.deepEqual(await setAlias({ repository, name: 'tiny', alias: 'production', target: '1' }), {
    name: 'tiny',
    alias: 'production',
    from: undefined,
    to: 1,
  });
  await setAlias({ repository, name: 'tiny', alias: 'production', target: '2' });
  await setAlias({ repository, name: 'tiny', alias: 'staging', target: 'latest' });
  await setAlias({ repository, name: 'tiny', alias: 'production', target: 'staging' });
  assert.equal((await resolveModel(repository, 'tiny@production')).version, 3);
  assert.deepEqual((await resolveModel(repository, 'tiny@3')).aliases, ['production', 'staging']);

  assert.deepEqual(await rollback({ repository, name: 'tiny', alias: 'production' }), {
    name: 'tiny',
    alias: 'production',
    from: 3,
    to: 2,
  });
  assert.equal((await resolveModel(repository, 'tiny@production')).version, 2);
  assert.equal((await rollback({ repository, name: 'tiny', alias: 'production' })).to, 1);
  await assert.rejects(rollback({ repository, name: 'tiny', alias: 'production' }), {
    code: errors.noAliasHistory.code,
  });
  await assert.rejects(rollback({ repository, name: 'tiny', alias: 'canary' }), { code: errors.unknownAlias.code });

  const aliases = JSON.parse(await readFile(join(repository, 'tiny', 'aliases.json'), 'utf8'));
  assert.deepEqual(aliases.aliases.production.history, []);
  assert.equal(aliases.aliases.staging.version, 3);
});

test('unknown names, versions and aliases are 404s', async () => {
  await assert.rejects(resolveModel(repository, 'nope'), { code: errors.unknownModel.code });
  await assert.rejects(resolveModel(repository, 'tiny@9'), { code: errors.unknownVersion.code });
  await assert.rejects(resolveModel(repository, 'tiny@canary'), { code: errors.unknownAlias.code });
  await assert.rejects(setAlias({ repository, name: 'tiny', alias: 'production', target: '9' }), {
    code: errors.unknownVersion.code,
  });
  await assert.rejects(setAlias({ repository, name: 'tiny', alias: 'latest', target: '1' }), {
    code: errors.badAliasName.code,
  });
});

test('delete is refused while an alias points at the version; a deleted number is never reused', async () => {
  // production → 1, staging → 3 (from the tests above)
  await assert.rejects(deleteVersion({ repository, ref: 'tiny@1' }), (error: Error & { code?: string }) => {
    assert.equal(error.code, errors.versionInUse.code);
    assert.match(error.message, /`production`/);
    return true;
  });
  await assert.rejects(deleteVersion({ repository, ref: 'tiny@production' }), { code: errors.badUsage.code });
  await setAlias({ repository, name: 'tiny', alias: 'staging', target: '2' });
  assert.deepEqual(await deleteVersion({ repository, ref: 'tiny@3' }), { name: 'tiny', version: 3 });
  await assert.rejects(resolveModel(repository, 'tiny@3'), { code: errors.unknownVersion.code });
  assert.equal((await resolveModel(repository, 'tiny')).version, 2, 'latest is now 2');
  await assert.rejects(deleteVersion({ repository, ref: 'tiny@3' }), { code: errors.unknownVersion.code });

  const next = await registerModel({ repository, source: models[0]!, name: 'tiny', describe });
  assert.equal(next.version, 4, 'version 3 was deleted, so the next one is 4, not 3 again');
  assert.deepEqual(await readdir(join(repository, '.berth-tmp')), [], 'no temp leftovers');
});

test('list shows every model with versions and aliases', async () => {
  const [tiny] = await listModels(repository);
  assert.equal(tiny!.name, 'tiny');
  assert.equal(tiny!.latest, 4);
  assert.deepEqual(
    tiny!.versions.map((entry) => entry.version),
    [1, 2, 4],
  );
  assert.deepEqual(tiny!.aliases, { production: 1, staging: 2 });
  assert.deepEqual(tiny!.versions[0]!.aliases, ['production']);
  await assert.rejects(listModels(repository, 'nope'), { code: errors.unknownModel.code });
});

test('a folder is registered with its berth.yaml: name, features and labels come from it', async (t) => {
  const folder = fixtureFolder('sk-forest-int');
  if (!folder) return t.skip('test/fixtures/models/sk-forest-int is missing; run scripts/fixtures');
  const result = await registerModel({ repository, source: folder, describe });
  assert.equal(result.name, 'sk-forest-int');
  assert.equal(result.version, 1);
  const meta = result.metadata;
  assert.deepEqual(meta.features, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  assert.deepEqual(meta.labels, ['setosa', 'versicolor', 'virginica']);
  assert.equal(meta.producer.name, 'skl2onnx');
  assert.ok(meta.opsets['ai.onnx.ml']! >= 1);
  // ZipMap is unwrapped at load, so the recorded signature is the served one.
  assert.deepEqual(
    meta.signature.outputs.map((output) => output.datatype),
    ['INT64', 'FP32'],
  );
  assert.deepEqual(Object.keys(meta.files).sort(), ['berth.yaml', 'model.onnx']);
  assert.equal(
    await readFile(join(result.path, '..', 'berth.yaml'), 'utf8'),
    await readFile(join(folder, 'berth.yaml'), 'utf8'),
  );
});

test('a file that is not ONNX is refused and leaves nothing behind', async () => {
  const bogus = join(work.path, 'bogus.onnx');
  await (await import('node:fs/promises')).writeFile(bogus, 'not a model');
  await assert.rejects(registerModel({ repository, source: bogus, name: 'bogus', describe }), {
    code: errors.modelInvalid.code,
  });
  await assert.rejects(registerModel({ repository, source: join(work.path, 'absent.onnx'), name: 'x', describe }), {
    code: errors.modelFileMissing.code,
  });
  await assert.rejects(
    registerModel({ repository, source: models[0]!, describe }),
    { code: errors.badModelName.code },
    'a bare file needs --name',
  );
  await assert.rejects(
    readdir(join(repository, 'bogus')),
    { code: 'ENOENT' },
    'no model folder for a failed first register',
  );
  assert.deepEqual(await readdir(join(repository, '.berth-tmp')), []);
});
