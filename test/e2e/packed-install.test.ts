import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { venvPython } from '../helpers/python-venv.js';

/**
 * The `berth` command as a user gets it: `npm pack`, `npm install -g` into a fresh prefix, and the
 * installed command run from a folder that is not the checkout. The packed files are the built
 * dist/ (`npm ci` builds it through `prepare`), staged in a scratch folder so that packing never
 * rewrites the dist/ other tests run from.
 */
const root = resolve('.');
const packed = [
  'package.json',
  'package-lock.json',
  'README.md',
  'dist',
  'proto',
  'python',
  'scripts/package',
  'scripts/base-image',
];

/** npm as a user runs it: none of the npm_* variables of the `npm test` around this test. */
function npmEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  // onnxruntime-node's install script fetches its CUDA libraries from outside the npm registry;
  // Berth runs on the CPU binaries the package ships, so installs skip it (its documented switch).
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, env: npmEnvironment(), encoding: 'utf8', timeout: 300_000 });
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
  );
  return result.stdout;
}

test('npm pack → npm install -g → `berth` serves, builds and imports a model from another folder', async (t) => {
  assert.ok(existsSync(join(root, 'dist/bundle/main.js')), 'dist/ is not built: run `npm run build`');
  const scratch = await mkdtemp(join(tmpdir(), 'berth-packed-'));
  const stage = join(scratch, 'stage');
  for (const path of packed) await cp(join(root, path), join(stage, path), { recursive: true });

  // What `npm pack` runs around packing (prepare = the build, done already; prepack; postpack).
  run(process.execPath, ['scripts/package/shrinkwrap.mjs', 'write'], stage);
  const [{ filename, files }] = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], stage),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const names = new Set(files.map((file) => file.path));
  for (const needed of [
    'dist/cli/bin.js',
    'dist/bundle/main.js',
    'dist/bundle/ort-worker.js',
    'dist/bundle/static/app.js',
    'dist/http/dashboard/static/app.js',
    'dist/runtime/onnx.js',
    'proto/open_inference_grpc.proto',
    'proto/onnx-ml.proto',
    'proto/triton/grpc_service.proto',
    'python/berth-import.py',
    'python/berth_import/main.py',
    'scripts/base-image/build.sh',
    'npm-shrinkwrap.json',
    'package.json',
    'README.md',
  ]) {
    assert.ok(names.has(needed), `${needed} is in the package`);
  }
  assert.deepEqual(
    [...names].filter(
      (name) => /(^|\/)(src|test|node_modules|__pycache__)\//.test(name) || name === 'package-lock.json',
    ),
    [],
    'no sources, tests, caches or checkout-only files',
  );

  // From the npm cache `npm ci` filled; the registry only for metadata the cache lacks.
  const prefix = join(scratch, 'prefix');
  run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(scratch, filename)],
    scratch,
  );
  const berth = join(prefix, 'bin', 'berth');
  const installed = join(prefix, 'lib', 'node_modules', 'berth');
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  assert.equal(run(berth, ['--version'], scratch).trim(), version);

  // A folder with nothing of Berth's in it: the model and its berth.yaml only.
  const elsewhere = join(scratch, 'elsewhere');
  await mkdir(elsewhere);
  await cp(join(root, 'examples/iris'), join(elsewhere, 'iris'), { recursive: true });
  const child = spawn(berth, ['serve', 'iris', '--host', '127.0.0.1', '--port', '0', '--drain-delay-seconds', '0'], {
    cwd: elsewhere,
    env: npmEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exit = once(child, 'exit');
  try {
    const url = await listeningAddress(() => output);
    await until(
      async () => (await fetch(`${url}/ready`).catch(() => undefined))?.status === 200,
      () => output,
    );
    const predicted = await fetch(`${url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }),
    });
    assert.equal(predicted.status, 200);
    assert.equal(((await predicted.json()) as { label: string }).label, 'virginica');
    for (const path of ['/docs/swagger-ui-bundle.js', '/dashboard/app.js', '/openapi.json']) {
      const response = await fetch(`${url}${path}`);
      assert.equal(response.status, 200, path);
      assert.ok((await response.text()).length > 100, `${path} has a body`);
    }
  } finally {
    child.kill('SIGTERM');
    const [code] = await exit;
    assert.equal(code, 0, output.slice(-2000));
  }

  // `berth build` finds the lock file the package carries (npm-shrinkwrap.json): a reproducible image.
  const built = spawnSync(berth, ['build', 'iris', '--out', 'context'], {
    cwd: elsewhere,
    env: npmEnvironment(),
    encoding: 'utf8',
    timeout: 600_000,
  });
  assert.equal(built.status, 0, built.stderr);
  assert.doesNotMatch(built.stdout, /not reproducible/);
  assert.match(
    built.stdout,
    /\nrun it with:\n {2}\S+ .*run --rm .*--publish 127\.0\.0\.1:8000:8000 .*iris:1-[0-9a-f]{12}\npush it with:\n/,
  );
  assert.ok(existsSync(join(elsewhere, 'context', 'app', 'package-lock.json')));

  // `berth import` runs the Python helper that came with the package.
  assert.ok(existsSync(join(installed, 'python', 'berth-import.py')));
  const python = await venvPython(t, 'scripts/python/requirements/import-sklearn-1.9.txt');
  if (!python) return;
  run(python, ['-c', trainScript], elsewhere);
  const imported = JSON.parse(
    run(berth, ['import', 'model.joblib', '--python', python, '--out', 'mine', '--json'], elsewhere),
  ) as { report: { passed: boolean } };
  assert.equal(imported.report.passed, true, JSON.stringify(imported));
  assert.ok(existsSync(join(elsewhere, 'mine', 'model.onnx')));
});

const trainScript = `
import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
X, y = load_iris(return_X_y=True, as_frame=True)
joblib.dump(LogisticRegression(max_iter=500).fit(X, y), "model.joblib")
`;

test("`npx berth` runs the checkout's command (built by `npm ci` through `prepare`)", () => {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  assert.equal(run('npx', ['--no', '--', 'berth', '-v'], root).trim(), version);
});

async function listeningAddress(output: () => string): Promise<string> {
  let address: string | undefined;
  await until(
    async () => (address = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output())?.[1]) !== undefined,
    output,
  );
  return address!;
}

async function until(check: () => Promise<boolean>, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out; server output:\n${output().slice(-2000)}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}
