/**
 * Does monitoring slow the request path? The iris server, each configuration in its own process,
 * driven by autocannon from this one:
 *
 *   off        monitoring.enabled: false (no observer work besides metrics)
 *   on         reference profile, drift window, feedback tracker (the default when a reference is set)
 *   on-nofb    the same without remembering predictions for feedback by id (feedback.maxPending: 0)
 *   on+report  the same, recomputing the drift report and gauges every second over a full window
 *   on+log     the same as `on`, plus the payload log writing every request to disk
 *
 * for 1-row requests (seed /predict, named features) and 64-row batches. Shared machines are
 * noisy (throughput swings 3× between identical runs here), so the runs are short and interleaved
 * in rounds — every configuration once per round, in a rotating order — and each configuration is
 * compared with `off` *within the round* (paired ratios, then the median over rounds). Besides
 * requests/s and latency it reports the server's CPU time per request (/proc utime+stime), which
 * contention from other processes hardly moves.
 *
 *   node --import tsx bench/drift-request-path.ts [--rounds 10] [--seconds 2] [--connections 16] [--json]
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { startProgram, type StartedProgram } from '../src/core/programs.js';
import { referenceRows } from '../src/protocol/reference-rows.js';
import { createLogger } from '../src/observe/logger.js';
import { createMetrics } from '../src/observe/metrics.js';
import { ModelMonitoring } from '../src/observe/monitoring/model-monitoring.js';
import { createOnnxRuntime } from '../src/runtime/onnx.js';
import { runLoadTest, type LoadTestResult } from '../src/plan/load-test.js';
import { freePort, serveArgs } from '../src/plan/bench-server.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => Number(args[args.indexOf(`--${name}`) + 1] ?? fallback) || fallback;
const rounds = option('rounds', 10);
const seconds = option('seconds', 2);
const connections = option('connections', 16);

const configurations: Record<string, string> = {
  off: 'monitoring:\n  enabled: false\n',
  on: 'monitoring:\n  reference: reference.csv\n',
  'on-nofb': 'monitoring:\n  reference: reference.csv\n  feedback:\n    maxPending: 0\n',
  'on+report': 'monitoring:\n  reference: reference.csv\n  drift:\n    reportIntervalSeconds: 1\n',
  'on+log':
    'monitoring:\n  reference: reference.csv\n  payloadLog:\n    dir: payload-logs\n    maxFileBytes: 10000000\n    maxTotalBytes: 50000000\n',
};

const reference = (await readFile('examples/iris/reference.csv', 'utf8'))
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').slice(0, 4).map(Number));
const names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const bodies = {
  '1 row': JSON.stringify(Object.fromEntries(names.map((name, i) => [name, reference[7]![i]]))),
  '64 rows': JSON.stringify({
    instances: Array.from({ length: 64 }, (_, i) => reference[(i * 37) % reference.length]),
  }),
};

interface Server {
  url: string;
  program: StartedProgram;
  dir: string;
}

async function start(label: string): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), `berth-bench-${label.replace(/\W/g, '')}-`));
  await copyFile('examples/iris/model.onnx', join(dir, 'model.onnx'));
  await copyFile('examples/iris/reference.csv', join(dir, 'reference.csv'));
  const yaml = await readFile('examples/iris/berth.yaml', 'utf8');
  await writeFile(join(dir, 'berth.yaml'), `${yaml.slice(0, yaml.indexOf('\nmonitoring:'))}\n${configurations[label]}`);
  const port = await freePort();
  const program = startProgram(
    process.execPath,
    ['--import', 'tsx', 'src/cli/bin.ts', ...serveArgs(dir, port), '--log-level', 'warn'],
    { logFile: join(dir, 'server.log') },
  );
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  while (
    !(await fetch(`${url}/ready`).then(
      (response) => response.ok,
      () => false,
    ))
  ) {
    if (Date.now() > until) throw new Error(`${label} did not become ready: ${program.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, program, dir };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** CPU seconds (user + system, all threads) the process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerRequest: number;
}
/**
 * In process first: the observer's own cost per request (row copy, predictions, feedback memory)
 * into a full window with 100 000 predictions pending, and one report over the full window.
 */
async function inProcess(): Promise<Record<string, number>> {
  const { settings } = resolveConfig({ file: { monitoring: { reference: 'examples/iris/reference.csv' } } });
  const monitoring = new ModelMonitoring({
    settings: settings.monitoring,
    metrics: createMetrics({ processMetrics: false }),
    logger: createLogger('silent'),
    codec: referenceRows(settings.limits),
    referenceCsv: 'examples/iris/reference.csv',
  });
  const runtime = createOnnxRuntime({ path: 'examples/iris/model.onnx', name: 'iris', version: '1' }, settings.onnx);
  await runtime.load();
  await monitoring.versionLoaded({
    name: 'iris',
    version: '1',
    config: { name: 'iris', features: names, labels: ['setosa', 'versicolor', 'virginica'] },
    metadata: runtime.metadata(),
    infer: (request) => runtime.infer(request),
  });
  const out: Record<string, number> = {};
  let id = 0;
  for (const rows of [1, 64]) {
    // 150 different requests cycling through the reference rows, so the window holds real data.
    const events = await Promise.all(
      reference.map(async (_, start) => {
        const data = Float32Array.from(
          { length: rows * 4 },
          (_, i) => reference[(start + Math.floor(i / 4)) % reference.length]![i % 4]!,
        );
        const request = { inputs: [{ name: 'float_input', datatype: 'FP32' as const, shape: [rows, 4], data }] };
        return { request, response: await runtime.infer(request) };
      }),
    );
    const { request } = events[0]!;
    const observe = (count: number) => {
      for (let i = 0; i < count; i++) {
        const event = events[i % events.length]!;
        monitoring.observe({
          model: 'iris',
          version: '1',
          rows,
          seconds: 0,
          request: event.request,
          response: event.response,
          requestId: `r${id++}`,
        });
      }
    };
    observe(150_000); // past maxPending (100 000): every request now also evicts the oldest prediction
    const count = rows === 1 ? 200_000 : 50_000;
    const started = process.hrtime.bigint();
    observe(count);
    out[`observe_${rows}_row_us`] = Number(process.hrtime.bigint() - started) / 1e3 / count;
    const modelStarted = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) await runtime.infer(request);
    out[`model_call_${rows}_row_us`] = Number(process.hrtime.bigint() - modelStarted) / 1e3 / 1000;
  }
  const reports: number[] = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    await monitoring.refresh();
    reports.push(performance.now() - started);
  }
  out.report_full_window_ms = median(reports);
  await monitoring.close();
  await runtime.unload();
  return out;
}

const labels = Object.keys(configurations);
const observer = await inProcess();
const results: Record<string, Record<string, Run[]>> = {};
const servers: Record<string, Server> = {};
for (const label of labels) servers[label] = await start(label);
try {
  for (const [shape, body] of Object.entries(bodies)) {
    const load = async (server: Server, duration = seconds): Promise<Run> => {
      const cpuBefore = cpuSeconds(server.program.pid!);
      const run: LoadTestResult = await runLoadTest({
        url: `${server.url}/predict`,
        method: 'POST',
        body,
        connections,
        durationSeconds: duration,
      });
      const cpu = cpuSeconds(server.program.pid!) - cpuBefore;
      if (run.non2xx + run.errors + run.timeouts > 0)
        throw new Error(`${shape}: ${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts`);
      return {
        rps: run.requests.perSecond,
        p50: run.latencyMs.p50,
        p99: run.latencyMs.p99,
        cpuUsPerRequest: (cpu / run.requests.completed) * 1e6,
      };
    };
    // Warm-up (JIT, ORT arenas) and a full drift window (10 000 rows) before measuring.
    for (const server of Object.values(servers)) await load(server, 3);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < labels.length; k++) {
        const label = labels[(k + round) % labels.length]!;
        ((results[shape] ??= {})[label] ??= []).push(await load(servers[label]!));
      }
    }
  }
  // The window really was full and the report ran: ask the `on+report` server.
  const drift = (await (await fetch(`${servers['on+report']!.url}/v2/models/iris/drift`)).json()) as {
    sample_size: number;
  };
  const table = Object.entries(results).flatMap(([shape, byLabel]) =>
    labels.map((label) => {
      const runs = byLabel[label]!;
      const off = byLabel.off!;
      const paired = (key: keyof Run) => median(runs.map((run, round) => run[key] / off[round]![key]));
      return {
        shape,
        label,
        rps: median(runs.map((run) => run.rps)),
        p50: median(runs.map((run) => run.p50)),
        p99: median(runs.map((run) => run.p99)),
        cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest)),
        rpsRatio: paired('rps'),
        p99Ratio: paired('p99'),
        cpuRatio: paired('cpuUsPerRequest'),
      };
    }),
  );
  if (args.includes('--json'))
    console.log(
      JSON.stringify(
        { node: process.version, rounds, seconds, connections, windowRows: drift.sample_size, observer, table },
        null,
        2,
      ),
    );
  else {
    console.log(
      `in process: observer ${observer.observe_1_row_us!.toFixed(2)} µs per 1-row request (model call ${observer.model_call_1_row_us!.toFixed(0)} µs), ${observer.observe_64_row_us!.toFixed(2)} µs per 64-row request (model call ${observer.model_call_64_row_us!.toFixed(0)} µs); report over the full window ${observer.report_full_window_ms!.toFixed(1)} ms`,
    );
    console.log(
      `iris /predict, ${connections} connections, ${rounds} interleaved rounds of ${seconds} s (medians; ratios paired within rounds); drift window held ${drift.sample_size} rows`,
    );
    console.log(
      `${'shape'.padEnd(8)} ${'monitoring'.padEnd(10)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'CPU µs/req'.padStart(11)} ${'req/s ÷ off'.padStart(12)} ${'p99 ÷ off'.padStart(10)} ${'CPU ÷ off'.padStart(10)}`,
    );
    for (const row of table) {
      console.log(
        `${row.shape.padEnd(8)} ${row.label.padEnd(10)} ${row.rps.toFixed(0).padStart(7)} ${row.p50.toFixed(2).padStart(7)} ${row.p99.toFixed(2).padStart(7)} ${row.cpuUsPerRequest.toFixed(0).padStart(11)} ${row.rpsRatio.toFixed(3).padStart(12)} ${row.p99Ratio.toFixed(3).padStart(10)} ${row.cpuRatio.toFixed(3).padStart(10)}`,
      );
    }
  }
} finally {
  for (const server of Object.values(servers)) {
    await server.program.kill('SIGTERM', 10_000);
    await rm(server.dir, { recursive: true, force: true });
  }
}
