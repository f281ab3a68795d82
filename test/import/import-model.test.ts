import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { importModel } from '../../src/import/import-model.js';
import { defaultName } from '../../src/import/output-folder.js';

/** What importModel settles before any Python runs: these need none. */
async function pickle(): Promise<{ dir: string; artifact: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-import-model-'));
  const artifact = join(dir, 'model.joblib');
  await writeFile(artifact, Buffer.from([0x80, 0x04, 0x95, 0x10, 0x00]));
  return { dir, artifact };
}

test('a Python that cannot be run is named, with the flag to pass', async () => {
  const { dir, artifact } = await pickle();
  await assert.rejects(importModel({ artifact, python: join(dir, 'no-such-python'), name: 'm' }), {
    code: 'BERTH_IMPORT_NO_PYTHON',
    message: /cannot run .*no-such-python \(not found\); pass --python with the Python the model was trained with/,
  });
});

test('a file that is no model format Berth knows is refused before anything runs', async () => {
  const { dir } = await pickle();
  await writeFile(join(dir, 'notes.txt'), 'hello\n');
  await assert.rejects(importModel({ artifact: join(dir, 'notes.txt'), python: 'python3' }), {
    code: 'BERTH_IMPORT_ARTIFACT_UNKNOWN',
  });
  await assert.rejects(importModel({ artifact: join(dir, 'missing.joblib') }), { code: 'BERTH_MODEL_FILE_MISSING' });
});

test("someone else's folder is never written into, and a missing sample is named", async () => {
  const { dir, artifact } = await pickle();
  await mkdir(join(dir, 'mine'));
  await writeFile(join(dir, 'mine', 'notes.md'), 'keep me\n');
  await assert.rejects(importModel({ artifact, out: join(dir, 'mine'), python: 'python3' }), {
    code: 'BERTH_IMPORT_OUT_NOT_EMPTY',
  });
  await assert.rejects(importModel({ artifact, sample: join(dir, 'nope.csv'), python: 'python3' }), {
    code: 'BERTH_IMPORT_BAD_SAMPLE',
    message: /nope\.csv: file not found/,
  });
});

test("the default name is the file's, or its folder's for a file called model", () => {
  assert.equal(defaultName('/home/me/churn v2.pkl'), 'churn-v2');
  assert.equal(defaultName('/home/me/iris-deploy/model.joblib'), 'iris-deploy');
  assert.equal(defaultName('/home/me/_tmp/Pipeline.pkl'), 'tmp');
  assert.equal(defaultName('/model.joblib'), 'model');
});
