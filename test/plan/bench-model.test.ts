import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runBench } from '../../src/plan/bench.js';
import { berthCli } from '../helpers/berth-cli.js';

// `berth bench <model folder>`: the real `berth serve` in a child process (this checkout's CLI),
// on a free port, stopped afterwards.
const iris = fileURLToPath(new URL('../../examples/iris', import.meta.url));

test('bench a model folder: berth serve starts, the sample uses berth.yaml feature names, the server stops', async () => {
  const result = await runBench({
    target: iris,
    launcher: { program: process.execPath, args: berthCli },
    connections: 2,
    requests: 10,
  });
  assert.match(result.url, /^http:\/\/127\.0\.0\.1:\d+\/predict$/);
  assert.deepEqual(result.body, { sepal_length: 0, sepal_width: 0, petal_length: 0, petal_width: 0 });
  assert.equal(result.run!.requests.completed, 10, 'the run stops after its requests, however long they take');
  assert.equal(result.run!.errors + result.run!.non2xx + result.run!.timeouts, 0);
  // The server was stopped: its port no longer answers.
  await assert.rejects(fetch(result.url.replace('/predict', '/healthz'), { signal: AbortSignal.timeout(2000) }));
});

test('a model the server cannot load is reported with its output', async () => {
  await assert.rejects(
    runBench({
      target: fileURLToPath(new URL('./no-such-model', import.meta.url)),
      launcher: { program: process.execPath, args: berthCli },
      durationSeconds: 1,
    }),
    (error: Error & { code?: string }) =>
      error.code === 'BERTH_BENCH_SERVER_FAILED' && /did not become ready: it exited/.test(error.message),
  );
});
