import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { detectArtifactKind, importCommand } from '../../src/core/artifact-kind.js';
import { locateModel } from '../../src/core/locate-model.js';
import { registerModel } from '../../src/registry/index.js';
import { spawnBerth } from '../helpers/process.js';

async function files(): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-artifacts-'));
  const contents: Record<string, Buffer | string> = {
    'model.joblib': Buffer.from([0x80, 0x04, 0x95, 0x10, 0x00]),
    'old.pkl': Buffer.from([0x80, 0x02, 0x63]),
    'compressed.joblib': Buffer.from([0x78, 0x9c, 0x01, 0x02]),
    'model.txt': 'tree\nversion=v4\nnum_class=3\n',
    'model.json': '{"learner":{"attributes":{},"feature_names":[]},"version":[3,2,0]}',
    'model.ubj': Buffer.concat([Buffer.from('{L'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 7]), Buffer.from('learner{')]),
    'notes.txt': 'just some text\n',
    'data.json': '{"rows": []}',
  };
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(contents)) {
    paths[name] = join(dir, name);
    await writeFile(paths[name]!, content);
  }
  return paths;
}

test('model files are told apart by their first bytes', async () => {
  const paths = await files();
  const kinds = Object.fromEntries(
    await Promise.all(Object.entries(paths).map(async ([name, path]) => [name, await detectArtifactKind(path)])),
  );
  assert.deepEqual(kinds, {
    'model.joblib': 'pickle',
    'old.pkl': 'pickle',
    'compressed.joblib': 'pickle',
    'model.txt': 'lightgbm',
    'model.json': 'xgboost',
    'model.ubj': 'xgboost',
    'notes.txt': 'unknown',
    'data.json': 'unknown',
  });
  assert.equal(await detectArtifactKind('test/fixtures/models/sk-forest-int/model.onnx'), 'onnx');
});

test('serve, register and build refuse a pickle or framework file with the berth import command to run', async () => {
  const paths = await files();
  for (const [name, kind] of [
    ['model.joblib', 'a Python pickle'],
    ['model.txt', 'a LightGBM model file'],
    ['model.ubj', 'an XGBoost model file'],
  ] as const) {
    const expected = new RegExp(
      `is ${kind}.*not ONNX: Berth serves only ONNX and never loads pickles or framework files in the server; convert it once, with a parity check, by running: berth import ${paths[name]!.replace(/[.]/g, '\\.')}$`,
    );
    await assert.rejects(
      locateModel(paths[name]!),
      (error: Error & { code?: string }) => error.code === 'BERTH_NEEDS_IMPORT' && expected.test(error.message),
    );
    // One locator serves every command; register goes through it too.
    await assert.rejects(
      registerModel({
        repository: join(paths[name]!, '..', 'repository'),
        source: paths[name]!,
        name: 'm',
        describe: () => Promise.reject(new Error('not reached')),
      }),
      { code: 'BERTH_NEEDS_IMPORT' },
    );
  }
  // Not a model format Berth knows: the ONNX loader's own error, as before.
  await assert.doesNotReject(locateModel(paths['notes.txt']!));
});

test('the command quotes a path the shell would split', () => {
  assert.equal(importCommand('models/model.joblib'), 'berth import models/model.joblib');
  assert.equal(importCommand("my model's.pkl"), "berth import 'my model'\\''s.pkl'");
});

test('berth serve model.joblib says to run berth import, and exits 1', async () => {
  const paths = await files();
  const serve = spawnBerth(['serve', paths['model.joblib']!, '--port', '0']);
  const { code } = await serve.exit;
  assert.equal(code, 1);
  assert.match(
    serve.output(),
    new RegExp(
      `^berth: .*model\\.joblib is a Python pickle .*by running: berth import ${paths['model.joblib']!.replace(/[.]/g, '\\.')}\\n$`,
    ),
  );
});
