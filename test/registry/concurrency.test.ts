import assert from 'node:assert/strict';
import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { runProgram, type ProgramResult } from '../../src/core/programs.js';
import { listVersions, registerModel, resolveModel, verifyRepository } from '../../src/registry/index.js';
import { describe, projectRoot, registerChild, repositoryWorkspace, type tempFolder } from './helpers.js';

/** Real processes racing on one repository, and one killed with SIGKILL half-way. */

let work: Awaited<ReturnType<typeof tempFolder>>;
let repository: string;
let model: string;

before(async () => {
  ({ work, repository, model } = await repositoryWorkspace());
});
after(() => work.cleanup());

function child(args: string[], onOutput?: (chunk: string) => void): Promise<ProgramResult> {
  return runProgram(process.execPath, ['--import', 'tsx', registerChild, ...args], {
    cwd: projectRoot,
    timeoutMs: 120_000,
    onOutput,
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 90_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const lastLine = (result: ProgramResult) => JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { version: number };

test('two processes publishing the same version number at once get distinct versions', async () => {
  const barrier = join(work.path, 'barrier');
  await mkdir(barrier);
  const runs = [
    child([repository, model, 'raced', 'barrier', barrier]),
    child([repository, model, 'raced', 'barrier', barrier]),
  ];
  // Both have staged everything and chose their number; neither has published.
  const ready = await waitFor('both children to reach publish', async () => {
    const entries = (await readdir(barrier)).filter((entry) => entry.startsWith('ready-'));
    return entries.length === 2 ? entries : undefined;
  });
  assert.deepEqual(
    ready.map((entry) => entry.split('-').at(-1)),
    ['1', '1'],
    'both picked version 1: a real collision',
  );
  await writeFile(join(barrier, 'go'), '');
  const results = await Promise.all(runs);
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    results
      .map(lastLine)
      .map((entry) => entry.version)
      .sort(),
    [1, 2],
  );
  assert.deepEqual(await listVersions(repository, 'raced'), [1, 2]);
  for (const version of [1, 2])
    assert.equal(
      (await resolveModel(repository, `raced@${version}`)).metadata.version,
      version,
      'metadata names its own folder',
    );
  assert.equal((await verifyRepository({ repository })).ok, true);
});

test('several registers racing freely all succeed with distinct numbers', async () => {
  const results = await Promise.all([1, 2, 3].map(() => child([repository, model, 'free-for-all'])));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(
    results
      .map(lastLine)
      .map((entry) => entry.version)
      .sort(),
    [1, 2, 3],
  );
  assert.equal((await verifyRepository({ repository })).ok, true);
});

test('kill -9 after staging leaves no visible version, and the next register works and cleans up', async () => {
  await registerModel({ repository, source: model, name: 'crashy', describe });
  let staged: { pid: number; temp: string } | undefined;
  let output = '';
  const run = child([repository, model, 'crashy', 'pause-after-stage'], (chunk) => {
    output += chunk;
    const match = /STAGED (\d+) (\S+)/.exec(output);
    if (match && !staged) staged = { pid: Number(match[1]), temp: match[2]! };
  });
  const { pid, temp } = await waitFor('the child to stage its version', async () => staged);
  // Fully written and fsynced, just not renamed into place yet.
  assert.deepEqual((await readdir(temp)).sort(), ['berth-version.json', 'model.onnx']);
  process.kill(pid, 'SIGKILL');
  const result = await run;
  assert.notEqual(result.code, 0);

  assert.deepEqual(await listVersions(repository, 'crashy'), [1], 'the killed register is invisible');
  assert.equal((await resolveModel(repository, 'crashy')).version, 1);
  await access(temp); // its staging folder is still there…
  const next = await registerModel({ repository, source: model, name: 'crashy', describe });
  assert.equal(next.version, 2);
  await assert.rejects(access(temp), { code: 'ENOENT' }, '…until the next register removes it (its process is dead)');
  assert.equal((await verifyRepository({ repository })).ok, true);
});
