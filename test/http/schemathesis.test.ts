import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runProgram } from '../../src/core/programs.js';
import { freePort, serveArgs, spawnBerth, waitForReady, type BerthProcess } from '../helpers/process.js';
import { venvPython } from '../helpers/python-venv.js';

/**
 * Schemathesis (pinned in scripts/python/requirements/schemathesis.txt) generates requests from
 * /openapi.json, valid and invalid, and runs every check on the answers: no 5xx, statuses and
 * bodies as documented, invalid requests refused, valid ones accepted, 405 for undeclared
 * methods. The few cases OpenAPI 3.0 cannot state are listed, with why, in schemathesis.toml.
 */
describe('schemathesis over /openapi.json', () => {
  let server: BerthProcess;
  let port: number;
  let reports: string;
  before(async () => {
    port = await freePort();
    reports = mkdtempSync(join(tmpdir(), 'berth-schemathesis-'));
    server = spawnBerth([...serveArgs('examples/iris', port), '--log-requests', 'false', '--drain-delay-seconds', '0']);
    await waitForReady(`http://127.0.0.1:${port}/ready`);
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await server.exit;
    rmSync(reports, { recursive: true, force: true });
  });

  it('finds no server error and no answer that breaks the schema', async (t) => {
    const python = await venvPython(t, 'scripts/python/requirements/schemathesis.txt');
    if (!python) return;
    const config = resolve('test/http/schemathesis.toml');
    const args = [
      '--no-color',
      '--config-file',
      config,
      'run',
      `http://127.0.0.1:${port}/openapi.json`,
      '--max-examples',
      '20',
      '--seed',
      '1',
      '--report',
      'junit',
      '--report-dir',
      reports,
    ];
    const result = await runProgram(join(dirname(python), 'schemathesis'), args, { cwd: reports, timeoutMs: 300_000 });
    const output = `${result.stdout}${result.stderr}`;
    assert.equal(result.code, 0, output.slice(-4000));
    const summary = /(\d+) generated, (\d+) passed/.exec(output);
    assert.ok(summary, output.slice(-2000));
    assert.equal(summary[1], summary[2], 'every generated case passed');
    assert.ok(Number(summary[1]) > 500, `enough cases generated (${summary[1]})`);
  });
});
