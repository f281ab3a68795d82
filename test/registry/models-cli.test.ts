import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runProgram } from '../../src/core/programs.js';
import { berthCli } from '../helpers/berth-cli.js';
import { fixtureFolder, projectRoot, repositoryWorkspace, type tempFolder } from './helpers.js';

/** `berth models …` end to end: the real CLI in a child process, text and --json. */

let work: Awaited<ReturnType<typeof tempFolder>>;
let repository: string;
let model: string;

before(async () => {
  ({ work, repository, model } = await repositoryWorkspace());
});
after(() => work.cleanup());

async function berth(args: string[], env: Record<string, string> = {}) {
  const { BERTH_REPOSITORY: _ignored, ...base } = process.env;
  const result = await runProgram(process.execPath, [...berthCli, ...args], {
    cwd: projectRoot,
    env: { ...base, ...env },
    timeoutMs: 60_000,
  });
  return { ...result, json: () => JSON.parse(result.stdout) };
}

test('register, alias, rollback, show, list, delete, verify through the CLI', async () => {
  const first = await berth([
    'models',
    'register',
    model,
    '--name',
    'tiny',
    '--metrics',
    'accuracy=0.9',
    'f1=0.8',
    '--params',
    'depth=3',
    '--description',
    'first cut',
    '--repository',
    repository,
    '--json',
  ]);
  assert.equal(first.code, 0, first.stderr);
  const registered = first.json();
  assert.equal(registered.version, 1);
  assert.deepEqual(registered.metadata.metrics, { accuracy: 0.9, f1: 0.8 });
  assert.deepEqual(registered.metadata.params, { depth: '3' });
  assert.equal(registered.metadata.description, 'first cut');

  // BERTH_REPOSITORY instead of the flag.
  const second = await berth(['models', 'register', model, '--name', 'tiny'], { BERTH_REPOSITORY: repository });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^registered tiny@2 \(sha256 [0-9a-f]{12}\) at /);

  assert.equal((await berth(['models', 'alias', 'tiny', 'production', '1', '--repository', repository])).code, 0);
  const moved = await berth(['models', 'alias', 'tiny', 'production', '2', '--repository', repository]);
  assert.equal(moved.stdout.trim(), 'tiny@production now points at version 2 (was 1)');
  const back = await berth(['models', 'rollback', 'tiny', 'production', '--repository', repository, '--json']);
  assert.deepEqual(back.json(), { name: 'tiny', alias: 'production', from: 2, to: 1 });

  const shown = await berth(['models', 'show', 'tiny@production', '--repository', repository]);
  assert.match(shown.stdout, /^model\s+tiny@1$/m);
  assert.match(shown.stdout, /^inputs\s+X FP32 \[-1,2\]$/m);
  assert.match(shown.stdout, /^metrics\s+accuracy=0\.9 f1=0\.8$/m);

  const listed = await berth(['models', 'list', '--repository', repository]);
  assert.match(listed.stdout, /^NAME\s+VERSION\s+ALIASES\s+CREATED\s+SHA256\s+PRODUCER\s+METRICS$/m);
  assert.match(listed.stdout, /^tiny\s+1\s+production\s/m);
  assert.match(listed.stdout, /^tiny\s+2\s+\(latest\)\s/m);

  const refused = await berth(['models', 'delete', 'tiny@1', '--repository', repository, '--json']);
  assert.equal(refused.code, 1);
  assert.equal(JSON.parse(refused.stderr).code, 'BERTH_VERSION_IN_USE');
  const deleted = await berth(['models', 'delete', 'tiny@2', '--repository', repository]);
  assert.equal(deleted.code, 0, deleted.stderr);

  const clean = await berth(['models', 'verify', '--repository', repository]);
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stdout, /^tiny\s+1\s+OK$/m);
  await appendFile(join(repository, 'tiny', '1', 'model.onnx'), 'x');
  const damaged = await berth(['models', 'verify', '--repository', repository]);
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /1 of 1 versions failed verification/);
  assert.match(damaged.stderr, /tiny\s+1\s+TAMPERED\s+model\.onnx: \d+ bytes/);
});

test('user mistakes are one-line errors with exit code 1', async () => {
  const badMetric = await berth([
    'models',
    'register',
    model,
    '--name',
    'tiny',
    '--metrics',
    'accuracy=high',
    '--repository',
    repository,
  ]);
  assert.equal(badMetric.code, 1);
  assert.equal(badMetric.stderr.trim(), 'berth: --metrics `accuracy=high`: expected KEY=NUMBER');
  const badRef = await berth(['models', 'show', 'tiny@', '--repository', repository]);
  assert.equal(badRef.code, 1);
  assert.match(badRef.stderr, /is not a model reference/);
});

test("--reference-data stores per-feature statistics of the model's features with the version", async (t) => {
  const folder = fixtureFolder('sk-forest-int');
  if (!folder) return t.skip('test/fixtures/models/sk-forest-int is missing; run scripts/fixtures');
  const csv = join(work.path, 'reference.csv');
  const rows = [
    '5.1,3.5,1.4,0.2,setosa',
    '7.0,3.2,4.7,1.4,versicolor',
    '6.3,3.3,6.0,2.5,virginica',
    '5.8,2.7,5.1,1.9,virginica',
  ];
  await writeFile(csv, ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows].join('\n'));
  const result = await berth([
    'models',
    'register',
    folder,
    '--reference-data',
    csv,
    '--repository',
    repository,
    '--json',
  ]);
  assert.equal(result.code, 0, result.stderr);
  const reference = result.json().metadata.reference;
  assert.equal(reference.source, csv);
  assert.equal(reference.profile.rows, 4);
  // berth.yaml names four features, so the label column is not profiled as one.
  assert.deepEqual(
    reference.profile.features.map((feature: { name: string }) => feature.name),
    ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
  );
  const shown = await berth(['models', 'show', 'sk-forest-int', '--repository', repository]);
  assert.match(shown.stdout, /^reference\s+statistics from .*reference\.csv$/m);
});
