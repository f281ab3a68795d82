import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, inferenceClient } from '../grpc/client.js';
import { freePort, serveArgs, spawnBerth, waitForReady } from '../helpers/process.js';
import { venvPython } from '../helpers/python-venv.js';

/**
 * The built CLI as `npm start` and the image run it: dist/cli/bin.js loading the esbuild bundle
 * (scripts/bundle.mjs), from the place `npm run build` puts it. Other tests that start the CLI run
 * a bundle of the working tree made for the run; in-process tests import src/ through tsx.
 */
test('the bundled CLI serves REST, gRPC, the docs and the dashboard, and drains on SIGTERM', async () => {
  assert.ok(existsSync('dist/bundle/main.js'), 'dist/bundle/main.js is missing: run `npm run build`');
  const [port, grpcPort] = [await freePort(), await freePort()];
  const home = await mkdtemp(join(tmpdir(), 'berth-bundle-home-'));
  const berth = spawnBerth(
    [...serveArgs('examples/iris', port, grpcPort), '--drain-delay-seconds', '0'],
    // onnxruntime's telemetry, were it on, would write under HOME and leave /tmp/mat-debug-<pid>.log.
    { HOME: home, ORT_DISABLE_TELEMETRY: undefined },
    { built: true },
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForReady(`${url}/ready`);
    const predicted = await fetch(`${url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }),
    });
    assert.equal(predicted.status, 200);
    assert.equal(((await predicted.json()) as { label: string }).label, 'setosa');
    assert.deepEqual(await readdir(home), [], 'onnxruntime wrote nothing under HOME');
    assert.equal(existsSync(`/tmp/mat-debug-${berth.child.pid}.log`), false, "no telemetry client's log file");
    for (const [path, type] of [
      ['/docs/swagger-ui.css', 'text/css'],
      ['/dashboard/app.js', 'javascript'],
      ['/openapi.json', 'application/json'],
      ['/metrics', 'text/plain'],
    ] as const) {
      const response = await fetch(`${url}${path}`);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', new RegExp(type), path);
      assert.ok((await response.text()).length > 100, `${path} has a body`);
    }
    const client = inferenceClient(grpcPort);
    try {
      assert.equal((await call<{ ready: boolean }>(client, 'ModelReady', { name: 'iris' })).ready, true);
    } finally {
      client.close();
    }
  } finally {
    berth.child.kill('SIGTERM');
    assert.equal((await berth.exit).code, 0, berth.output().slice(-2000));
  }
  assert.match(berth.output(), /drained; exiting/);
});

test('the bundled CLI finds the Python helper it ships, and a framework missing there gets its pip line', async (t) => {
  const python = await venvPython(t, 'scripts/python/requirements/import-sklearn-1.6.txt');
  if (!python) return;
  const dir = await mkdtemp(join(tmpdir(), 'berth-bundle-import-'));
  // A pickle of an XGBoost model, as one trained elsewhere arrives; this venv has no xgboost.
  await writeFile(join(dir, 'model.joblib'), Buffer.from('\x80\x02cxgboost.sklearn\nXGBClassifier\n)\x81.', 'latin1'));
  const berth = spawnBerth(['import', join(dir, 'model.joblib'), '--python', python], {}, { built: true });
  assert.equal((await berth.exit).code, 1, berth.output());
  assert.match(
    berth.output(),
    /berth: xgboost is not installed in \S+, and unpickling the artifact needs it; install it there with:\n {2}\S+python -m pip install xgboost\n/,
  );
});

test('the bundle leaves out what `berth serve` never loads: fastify schema compilers, protobufjs beyond its wire format, node:http2 and node:https', async () => {
  assert.ok(existsSync('dist/bundle/main.js'), 'dist/bundle/main.js is missing: run `npm run build`');
  const sources = new Map<string, string[]>();
  for (const file of (await readdir('dist/bundle')).filter((name) => name.endsWith('.js.map')))
    sources.set(file, (JSON.parse(await readFile(join('dist/bundle', file), 'utf8')) as { sources: string[] }).sources);
  const bundled = [...sources.values()].flat();
  const compilers =
    /node_modules\/(ajv|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\/|fast-json-stringify\/index\.js/;
  assert.deepEqual(
    bundled.filter((source) => compilers.test(source)),
    [],
  );
  // The gRPC stack (loaded at the first gRPC connection) has the whole of protobufjs; the server's start-up path has its reader and writer only.
  const [serveChunk] = [...sources.keys()].filter((file) => file.startsWith('serve-process-'));
  assert.ok(serveChunk, 'a serve-process chunk');
  // The chunks the serve-process chunk requires at its top level (not in a `() => require()` of a
  // dynamic import), and theirs in turn: what is loaded before the server is ready.
  const loaded = new Set<string>();
  let startCode = '';
  const visit = async (chunk: string): Promise<void> => {
    if (loaded.has(chunk)) return;
    loaded.add(chunk);
    const code = await readFile(join('dist/bundle', chunk), 'utf8');
    startCode += code;
    for (const [, imported] of code.matchAll(/(?:^|[;,={])require\("\.\/(chunk-[^"]+\.js)"\)/gm))
      await visit(imported!);
  };
  await visit(serveChunk.replace(/\.map$/, ''));
  const loadedAtStart = [...loaded].flatMap((chunk) => sources.get(`${chunk}.map`) ?? []);
  assert.ok(loadedAtStart.some((source) => source.includes('node_modules/protobufjs/src/reader.js')));
  assert.ok(!loadedAtStart.some((source) => source.includes('node_modules/protobufjs/src/parse.js')));
  // node:http2 and node:https only through fastify's stand-ins, which require them at first use.
  for (const module of ['node:http2', 'node:https']) {
    const requires = startCode.split(`"${module}"`).length - 1;
    const atFirstUse = startCode.match(new RegExp(`loaded\\?\\?=[\\w$.,()]*"${module}"`, 'g'))?.length ?? 0;
    assert.ok(requires > 0 && atFirstUse === requires, `${module}: ${atFirstUse} of ${requires} at first use`);
  }
  // fastify's semver and prom-client's Pushgateway (node:https, node:zlib) through stand-ins too.
  for (const standIn of ['at-first-use:semver', 'at-first-use:./lib/pushgateway'])
    assert.ok(startCode.includes(`"${standIn}"`), `${standIn} in the start-up chunks`);
});
