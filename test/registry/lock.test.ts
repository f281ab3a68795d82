import assert from 'node:assert/strict';
import { access, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { errors } from '../../src/core/errors.js';
import { runProgram } from '../../src/core/programs.js';
import { registerModel, resolveModel, setAlias } from '../../src/registry/index.js';
import { withLock } from '../../src/registry/lock.js';
import { describe, tempFolder, writeTinyModel } from './helpers.js';

let work: Awaited<ReturnType<typeof tempFolder>>;
let repository: string;

before(async () => {
  work = await tempFolder();
  repository = join(work.path, 'repo');
  const source = await writeTinyModel(work.path, 1);
  for (let index = 0; index < 3; index += 1) await registerModel({ repository, source, name: 'tiny', describe });
});
after(() => work.cleanup());

/** The pid of a process that has exited: what a kill -9'd lock holder leaves behind. */
async function deadPid(): Promise<number> {
  const result = await runProgram(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(result.stdout);
}

test('a lock left by a dead process is broken and the change goes through', async () => {
  const lock = join(repository, 'tiny', '.lock');
  await writeFile(lock, JSON.stringify({ host: hostname(), pid: await deadPid(), token: 'crashed', at: Date.now() }));
  const change = await setAlias({ repository, name: 'tiny', alias: 'production', target: '2' });
  assert.equal(change.to, 2);
  await assert.rejects(access(lock), { code: 'ENOENT' }, 'released after use');
});

test('a lock held by a live process makes others wait, then fail with a clear error', async () => {
  const lock = join(repository, 'tiny', '.lock');
  await writeFile(lock, JSON.stringify({ host: hostname(), pid: process.pid, token: 'live', at: Date.now() }));
  await assert.rejects(
    setAlias({ repository, name: 'tiny', alias: 'production', target: '3', lock: { timeoutMs: 50, staleMs: 60_000 } }),
    (error: Error & { code?: string }) => error.code === errors.registryLocked.code && error.message.includes('.lock'),
  );
  assert.equal((await resolveModel(repository, 'tiny@production')).version, 2, 'nothing changed');
  assert.equal(JSON.parse(await readFile(lock, 'utf8')).token, 'live', 'the holder keeps its lock');
});

test('an old lock is stale even when its owner cannot be checked (another host)', async () => {
  const lock = join(repository, 'tiny', '.lock');
  await writeFile(lock, JSON.stringify({ host: 'elsewhere', pid: 1, token: 'old', at: Date.now() - 120_000 }));
  const change = await setAlias({
    repository,
    name: 'tiny',
    alias: 'production',
    target: '3',
    lock: { timeoutMs: 1_000, staleMs: 60_000 },
  });
  assert.equal(change.to, 3);
});

test('concurrent alias moves in one process are serialised: none is lost from the history', async () => {
  const lock = { timeoutMs: 10_000, staleMs: 60_000 };
  await Promise.all(
    ['1', '2', '3', '1', '2', '3'].map((target, index) =>
      setAlias({ repository, name: 'tiny', alias: `a${index % 2}`, target, lock }),
    ),
  );
  const aliases = JSON.parse(await readFile(join(repository, 'tiny', 'aliases.json'), 'utf8'));
  assert.equal(aliases.aliases.a0.history.length + 1 + aliases.aliases.a1.history.length + 1, 6);
});

test('withLock releases on error', async () => {
  const path = join(work.path, 'plain.lock');
  await assert.rejects(
    withLock(path, { timeoutMs: 100, staleMs: 1_000 }, async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await withLock(path, { timeoutMs: 100, staleMs: 1_000 }, async () => 'again'), 'again');
});
