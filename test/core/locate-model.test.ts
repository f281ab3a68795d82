import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BerthError } from '../../src/core/errors.js';
import { locateModel } from '../../src/core/locate-model.js';

const fixture = new URL('../fixtures/models/sk-forest-int/', import.meta.url).pathname;

test('a model folder resolves to model.onnx, berth.yaml and a sha256', async () => {
  const source = await locateModel(fixture);
  assert.equal(source.path, join(fixture, 'model.onnx'));
  assert.match(source.sha256, /^[0-9a-f]{64}$/);
  assert.equal(source.version, '1', 'an unregistered file is version 1 (as served, labelled and tagged)');
  assert.equal(typeof source.config, 'object');
  const file = await locateModel(join(fixture, 'model.onnx'));
  assert.equal(file.sha256, source.sha256);
});

test('berth.yaml names and versions the model; unknown references say what is missing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-deploy-'));
  await copyFile(join(fixture, 'model.onnx'), join(dir, 'model.onnx'));
  await writeFile(join(dir, 'berth.yaml'), 'model:\n  name: iris\n  version: 7\ndeploy:\n  replicas: 2\n');
  const source = await locateModel(dir);
  assert.deepEqual([source.name, source.version], ['iris', '7']);
  await assert.rejects(
    locateModel(join(dir, 'nope.onnx')),
    (error: BerthError) => error.code === 'BERTH_MODEL_FILE_MISSING',
  );
  await assert.rejects(
    locateModel('iris@production'),
    (error: BerthError) => error.code === 'BERTH_MODEL_REF_UNRESOLVED',
  );
  const viaRegistry = await locateModel('iris@production', {
    registry: async () => ({ name: 'iris', version: '4', path: join(dir, 'model.onnx'), dir, sha256: 'f'.repeat(64) }),
  });
  assert.deepEqual([viaRegistry.name, viaRegistry.version, viaRegistry.sha256], ['iris', '4', 'f'.repeat(64)]);
});

test("a folder's only .onnx file is its model; two are ambiguous; a bare file is named after itself", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-locate-'));
  await copyFile(join(fixture, 'model.onnx'), join(dir, 'churn v2.onnx'));
  const only = await locateModel(dir, { hash: false });
  assert.deepEqual(
    [only.path, only.sha256, only.configPath, only.config],
    [join(dir, 'churn v2.onnx'), '', undefined, {}],
  );
  const bare = await locateModel(join(dir, 'churn v2.onnx'), { hash: false });
  assert.equal(bare.name, 'churn-v2', 'a file name is kept to the alphabet of URLs and metric labels');
  await copyFile(join(fixture, 'model.onnx'), join(dir, 'other.onnx'));
  await assert.rejects(locateModel(dir), /it has 2 \.onnx files/);
  await writeFile(join(dir, 'berth.yaml'), 'model:\n  nmae: x\n');
  await copyFile(join(fixture, 'model.onnx'), join(dir, 'model.onnx'));
  await assert.rejects(
    locateModel(dir),
    (error: BerthError) =>
      error.code === 'BERTH_UNKNOWN_CONFIG_KEY' && /model\.nmae.*did you mean model\.name/.test(error.message),
  );
});
