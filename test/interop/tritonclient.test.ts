import { after, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOnnxModel } from '../../src/runtime/describe-onnx.js';
import { runProgram } from '../../src/core/programs.js';
import { registerModel } from '../../src/registry/index.js';
import { tritonclientRequirements } from '../../bench/perf-analyzer.js';
import { freePort, spawnBerth, waitForReady, type BerthProcess } from '../helpers/process.js';
import { venvPython } from '../helpers/python-venv.js';
import { fixtureNames, fixturesDir, loadCase } from '../helpers/server.js';

/**
 * NVIDIA's tritonclient (HTTP, asyncio HTTP and gRPC; pinned in scripts/python/requirements/
 * tritonclient.txt), unmodified, against a real `berth serve --repository --model-control` holding
 * every fixture model, behind an API key (which the clients send through their own plugin hook):
 * test/interop/tritonclient_matrix.py runs the client × model × tensor form × compression matrix
 * and the extensions, and reports each check; every one must pass.
 */
const apiKey = 'tritonclient-test-key';
interface Check {
  client: string;
  model: string;
  case: string;
  ok: boolean;
  detail: string;
}

const models = fixtureNames().filter((name) => Object.keys(loadCase(name).expected).length > 0);

describe('tritonclient against berth serve', () => {
  let server: BerthProcess | undefined;
  let repository: string | undefined;
  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.exit;
    if (repository) rmSync(repository, { recursive: true, force: true });
  });

  it("HTTP, asyncio HTTP and gRPC clients get the framework's answers from every fixture model, JSON and binary, compressed or not", async (t: TestContext) => {
    const python = await venvPython(t, tritonclientRequirements);
    if (!python) return;
    repository = mkdtempSync(join(tmpdir(), 'berth-tritonclient-'));
    for (const name of models)
      await registerModel({ repository, source: join(fixturesDir, name), name, describe: describeOnnxModel });
    const keyFile = join(repository, 'api-key');
    writeFileSync(keyFile, `${apiKey}\n`);
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    server = spawnBerth([
      'serve',
      '--repository',
      repository,
      '--model-control',
      'true',
      '--api-key-file',
      keyFile,
      '--port',
      String(httpPort),
      '--host',
      '127.0.0.1',
      '--grpc-port',
      String(grpcPort),
      '--log-requests',
      'false',
    ]);
    await waitForReady(`http://127.0.0.1:${httpPort}/ready`, 60_000);

    const run = await runProgram(
      python,
      ['test/interop/tritonclient_matrix.py', `127.0.0.1:${httpPort}`, `127.0.0.1:${grpcPort}`, fixturesDir, ...models],
      { timeoutMs: 300_000, env: { ...process.env, BERTH_TEST_API_KEY: apiKey } },
    );
    assert.equal(run.code, 0, `${run.stderr.slice(-3000)}\n${server.output().slice(-2000)}`);
    const checks = (JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { checks: Check[] }).checks;
    const failed = checks.filter((check) => !check.ok);
    assert.deepEqual(
      failed.map((check) => `${check.client} ${check.model} ${check.case}: ${check.detail}`),
      [],
    );
    for (const client of ['http', 'http-asyncio', 'grpc']) {
      for (const model of models)
        assert.ok(
          checks.some((check) => check.client === client && check.model === model && check.ok),
          `${client} × ${model} ran`,
        );
    }
    t.diagnostic(
      `${checks.length} checks passed: ${models.length} models × HTTP (12 forms + defaults), asyncio HTTP (12), gRPC (3), config, statistics, repository`,
    );
  });
});
