import assert from 'node:assert/strict';
import { appendFile, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { defaults } from '../../src/core/defaults.js';
import { errors } from '../../src/core/errors.js';
import { registerModel, resolveModel, setAlias, verifyRepository } from '../../src/registry/index.js';
import { createOnnxRuntime } from '../../src/runtime/onnx.js';
import { describe, tempFolder, writeTinyModel } from './helpers.js';

let work: Awaited<ReturnType<typeof tempFolder>>;
let repository: string;

before(async () => {
  work = await tempFolder();
  repository = join(work.path, 'repo');
  for (const offset of [1, 2, 3, 4])
    await registerModel({ repository, source: await writeTinyModel(work.path, offset), name: 'tiny', describe });
  await registerModel({ repository, source: await writeTinyModel(work.path, 5), name: 'other', describe });
});
after(() => work.cleanup());

test('a clean repository verifies OK', async () => {
  const report = await verifyRepository({ repository });
  assert.equal(report.ok, true);
  assert.equal(report.checked, 5);
  assert.ok(report.versions.every((check) => check.status === 'OK'));
});

test('verify reports a changed, a truncated and a missing file by version', async () => {
  const file = (version: number) => join(repository, 'tiny', String(version), 'model.onnx');
  // Same length, different bytes: only the hash can tell.
  const bytes = await readFile(file(1));
  bytes[bytes.length - 1] ^= 0xff;
  await writeFile(file(1), bytes);
  await truncate(file(2), 10);
  await rm(file(3));
  const report = await verifyRepository({ repository });
  assert.equal(report.ok, false);
  const status = Object.fromEntries(report.versions.map((check) => [`${check.name}@${check.version}`, check.status]));
  assert.deepEqual(status, {
    'other@1': 'OK',
    'tiny@1': 'TAMPERED',
    'tiny@2': 'TAMPERED',
    'tiny@3': 'MISSING',
    'tiny@4': 'OK',
  });
  const problems = Object.fromEntries(
    report.versions.map((check) => [check.version + check.name, check.problems.join('; ')]),
  );
  assert.match(problems['1tiny']!, /model\.onnx: sha256 /);
  assert.match(problems['2tiny']!, /10 bytes, \d+ recorded \(truncated or replaced\)/);
  assert.match(problems['3tiny']!, /model\.onnx: missing/);

  const only = await verifyRepository({ repository, name: 'other' });
  assert.equal(only.ok, true, 'verify NAME checks only that model');
});

test('damaged metadata is reported, and an alias left pointing at a vanished folder too', async () => {
  await appendFile(join(repository, 'tiny', '4', 'berth-version.json'), '{ broken');
  await setAlias({ repository, name: 'other', alias: 'production', target: '1' });
  await registerModel({ repository, source: await writeTinyModel(work.path, 6), name: 'other', describe });
  await rm(join(repository, 'other', '1'), { recursive: true });
  const report = await verifyRepository({ repository });
  assert.equal(report.versions.find((check) => check.name === 'tiny' && check.version === 4)!.status, 'TAMPERED');
  assert.deepEqual(report.danglingAliases, ['other@production → 1']);
  await assert.rejects(resolveModel(repository, 'other@production'), { code: errors.versionCorrupt.code });
});

test('resolve hands the recorded sha256 to the runtime, which refuses a tampered file', async () => {
  const source = await writeTinyModel(work.path, 9);
  const { name, version } = await registerModel({ repository, source, name: 'guarded', describe });
  const resolved = await resolveModel(repository, `${name}@${version}`);
  const good = createOnnxRuntime(
    { path: resolved.path, name, version: String(version), sha256: resolved.sha256 },
    defaults.onnx,
  );
  await good.load();
  await good.unload();

  await appendFile(resolved.path, Buffer.from([0]));
  const tampered = createOnnxRuntime(
    { path: resolved.path, name, version: String(version), sha256: resolved.sha256 },
    defaults.onnx,
  );
  await assert.rejects(tampered.load(), (error: Error & { code?: string }) => {
    assert.equal(error.code, errors.modelInvalid.code);
    assert.match(error.message, /does not match the recorded/);
    return true;
  });
});
