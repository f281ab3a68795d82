import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort, serveArgs, waitForReady } from '../../helpers/process.js';

/**
 * Off, tracing costs nothing: `berth serve` never loads the OpenTelemetry SDK (its modules are
 * imported only when tracing is on). A resolve hook reports every OpenTelemetry import.
 */
async function serveAndPredict(extra: string[]): Promise<string> {
  const port = await freePort();
  const args = [
    '--import',
    './test/observe/tracing/fixtures/report-otel-imports.mjs',
    '--import',
    'tsx',
    'src/cli/bin.ts',
    ...serveArgs('examples/iris', port),
    '--drain-delay-seconds',
    '0',
    '--log-requests',
    'false',
    ...extra,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  try {
    await waitForReady(`http://127.0.0.1:${port}/ready`, 60_000).catch((error: Error) =>
      assert.fail(`${error.message}\n${stderr}`),
    );
    const response = await fetch(`http://127.0.0.1:${port}/predict`, {
      method: 'POST',
      body: JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.status, 200);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return stderr;
}

describe('tracing off', () => {
  it('never loads the OpenTelemetry SDK; on, it does', async () => {
    const off = await serveAndPredict([]);
    assert.doesNotMatch(off, /otel-import/, 'tracing off: no OpenTelemetry module was imported');
    // On, with a collector nobody listens on: exports fail quietly, requests are answered.
    const on = await serveAndPredict([
      '--tracing',
      'true',
      '--otlp-endpoint',
      `http://127.0.0.1:${await freePort()}/v1/traces`,
    ]);
    assert.match(on, /otel-import @opentelemetry\/sdk-trace-base/, 'the hook does see the SDK when tracing is on');
  });
});
