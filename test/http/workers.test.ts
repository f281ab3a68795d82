import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, serveArgs, spawnBerth, waitForReady } from '../helpers/process.js';

/** `--workers 2`: one port, two processes, cluster-wide metrics, readiness and drain. */
const row = JSON.stringify({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });

function counterValue(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && candidate.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('workers', () => {
  it('share the port and report cluster-wide totals in /metrics', async () => {
    const port = await freePort();
    const server = spawnBerth([...serveArgs('examples/iris', port), '--drain-delay-seconds', '0', '--workers', '2']);
    try {
      await waitForReady(`http://127.0.0.1:${port}/ready`, 60_000);
      const requests = 200;
      // Separate connections so the kernel spreads them over both workers.
      await Promise.all(
        Array.from({ length: requests }, () =>
          fetch(`http://127.0.0.1:${port}/predict`, {
            method: 'POST',
            body: row,
            headers: { 'content-type': 'application/json', connection: 'close' },
          }).then(async (response) => assert.equal(response.status, 200, await response.text())),
        ),
      );
      for (let scrape = 0; scrape < 6; scrape++) {
        const text = await (
          await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { connection: 'close' } })
        ).text();
        assert.equal(
          counterValue(text, 'berth_inference_rows_total', 'model="iris"'),
          requests,
          'every scrape sees the total over all workers',
        );
        assert.equal(counterValue(text, 'berth_model_ready', 'model="iris"'), 1);
      }
      const servedBy = new Set(
        server
          .output()
          .split('\n')
          .filter((line) => line.includes('"route":"/predict"'))
          .map((line) => JSON.parse(line).pid),
      );
      assert.equal(servedBy.size, 2, 'requests landed on both workers, so the totals really are aggregated');
      server.child.kill('SIGTERM');
      const exit = await server.exit;
      assert.equal(exit.code, 0, server.output());
      assert.equal((server.output().match(/drained; exiting/g) ?? []).length, 2, 'both workers drained');
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
