import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProgram, type StartedProgram } from '../../src/core/programs.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { seededRandom } from '../../src/observe/drift/sample.js';
import { freePort } from '../helpers/process.js';
import { noShedding, startTestServer } from '../helpers/server.js';
import { requireProgram } from '../helpers/system-program.js';
import { irisFolder } from '../observe/monitoring/model-folder.js';

/**
 * A real Prometheus (Debian's package, started here on its own port and storage — never the
 * package's service) scrapes a running Berth every second while traffic flows: first rows drawn
 * from the iris reference, then rows whose petal_length is shifted by +3 cm. PromQL through its
 * HTTP API must then find the request rate, the p99 latency and the drift gauges — petal_length
 * not drifted before the shift, drifted after. Bounded: about 15 s when all goes well, 60 s at most.
 */
const limitMs = 60_000;
const rows = readFileSync('examples/iris/reference.csv', 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').slice(0, 4).map(Number));

type Sample = { metric: Record<string, string>; value: [number, string] };

async function query(prometheus: string, promql: string): Promise<Sample[]> {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as {
    status: string;
    data?: { resultType: string; result: Sample[] };
    error?: string;
  };
  assert.equal(body.status, 'success', `${promql}: ${body.error}`);
  return body.data!.result;
}

/** Polls a PromQL query until `accept` likes its result; returns that result. */
async function until(
  prometheus: string,
  promql: string,
  accept: (result: Sample[]) => boolean,
  deadline: number,
): Promise<Sample[]> {
  let last: Sample[] = [];
  while (Date.now() < deadline) {
    last = await query(prometheus, promql);
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`${promql} never gave the expected result; last: ${JSON.stringify(last)}`);
}

/** Sends /predict requests of 10 rows from 8 concurrent clients until stopped. */
function traffic(url: string, shift: number, seed: number) {
  const random = seededRandom(seed);
  let running = true;
  let sent = 0;
  let failed = 0;
  const client = async () => {
    while (running) {
      const instances = Array.from({ length: 10 }, () =>
        rows[Math.floor(random() * rows.length)]!.map((value, column) => (column === 2 ? value + shift : value)),
      );
      const response = await fetch(`${url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances }),
      });
      await response.arrayBuffer();
      if (response.status === 200) sent++;
      else failed++;
    }
  };
  const clients = Array.from({ length: 8 }, client);
  return {
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return { sent, failed };
    },
  };
}

test(
  'a real Prometheus scrapes Berth: request rate, p99 latency and drift gauges',
  { timeout: limitMs + 10_000 },
  async (t) => {
    if (!(await requireProgram(t, 'prometheus', 'prometheus'))) return;
    const deadline = Date.now() + limitMs;
    const dir = await mkdtemp(join(tmpdir(), 'berth-prometheus-'));
    let model: string | undefined;
    let server: RunningServer | undefined;
    let prometheus: StartedProgram | undefined;
    t.after(async () => {
      await prometheus?.kill('SIGTERM', 5_000);
      await server?.shutdown('test done');
      await rm(dir, { recursive: true, force: true });
      if (model) await rm(model, { recursive: true, force: true });
    });

    // Berth refreshes its drift gauges every second here (30 s by default), so the test stays short.
    model = await irisFolder(
      'monitoring:\n  reference: reference.csv\n  drift:\n    reportIntervalSeconds: 1\n    windowRows: 2000\n',
    );
    server = await startTestServer(model, noShedding);
    const berth = server.url.replace('0.0.0.0', '127.0.0.1');
    const port = await freePort();
    const config = join(dir, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: berth',
        '    scrape_interval: 1s',
        '    scrape_timeout: 900ms',
        '    static_configs:',
        `      - targets: ['${new URL(berth).host}']`,
        '',
      ].join('\n'),
    );
    prometheus = startProgram('prometheus', [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    const api = `http://127.0.0.1:${port}`;
    while (
      !(await fetch(`${api}/-/ready`).then(
        (response) => response.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) assert.fail(`prometheus did not become ready:\n${prometheus.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until(api, 'up{job="berth"}', (result) => result[0]?.value[1] === '1', deadline);

    // Phase 1: rows from the reference distribution.
    const normal = traffic(berth, 0, 1);
    const rate = await until(
      api,
      'sum(rate(berth_http_requests_total{job="berth",route="/predict",status="200"}[5s]))',
      (result) => Number(result[0]?.value[1]) > 10,
      deadline,
    );
    const p99 = await until(
      api,
      'histogram_quantile(0.99, sum by (le) (rate(berth_http_request_duration_seconds_bucket{job="berth",route="/predict"}[5s])))',
      (result) => Number.isFinite(Number(result[0]?.value[1])),
      deadline,
    );
    const calm = await until(
      api,
      'berth_feature_drifted{job="berth",model="iris",version="1"}',
      (result) => result.length === 4 && result.every((sample) => sample.value[1] === '0'),
      deadline,
    );
    const before = await normal.stop();
    assert.equal(before.failed, 0);
    t.diagnostic(
      `normal traffic: ${before.sent} requests, rate ${Number(rate[0]!.value[1]).toFixed(0)}/s, p99 ${(Number(p99[0]!.value[1]) * 1000).toFixed(2)} ms`,
    );
    // Sane, not fast: the clients share this process (and this machine) with the server.
    assert.ok(Number(p99[0]!.value[1]) > 0 && Number(p99[0]!.value[1]) < 5, `p99 ${p99[0]!.value[1]} s`);
    assert.deepEqual(calm.map((sample) => sample.metric.feature).sort(), [
      'petal_length',
      'petal_width',
      'sepal_length',
      'sepal_width',
    ]);
    const methods = await query(api, 'count by (method) (berth_feature_drift{job="berth",model="iris"})');
    assert.deepEqual(methods.map((sample) => sample.metric.method).sort(), ['ks_pvalue', 'ks_statistic', 'psi']);

    // Phase 2: petal_length + 3 cm.
    const shifted = traffic(berth, 3, 2);
    const drifted = await until(
      api,
      'berth_feature_drifted{job="berth",model="iris",version="1",feature="petal_length"}',
      (result) => result[0]?.value[1] === '1',
      deadline,
    );
    // The KS test may flag it a scrape before PSI passes 0.2: keep shifting until both say so.
    const psi = await until(
      api,
      'berth_feature_drift{job="berth",model="iris",feature="petal_length",method="psi"}',
      (result) => Number(result[0]?.value[1]) > 0.2,
      deadline,
    );
    const after = await shifted.stop();
    assert.equal(after.failed, 0);
    assert.equal(drifted.length, 1);
    const model_ = await query(api, 'berth_model_drifted{job="berth",model="iris"}');
    assert.equal(model_[0]?.value[1], '1');
    const steady = await query(api, 'berth_feature_drifted{job="berth",model="iris",feature="sepal_width"}');
    assert.equal(steady[0]?.value[1], '0', 'an unshifted feature stays calm');
    t.diagnostic(
      `shifted traffic: ${after.sent} requests; petal_length PSI ${Number(psi[0]!.value[1]).toFixed(2)}; ${Math.round((limitMs - (deadline - Date.now())) / 1000)} s in all`,
    );
  },
);
