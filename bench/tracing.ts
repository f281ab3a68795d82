/**
 * What tracing costs: req/s of /predict (one iris row, 16 connections, batching on as by
 * default) with tracing off, on with 1% of traces sampled, and on with every trace sampled,
 * each a server process of the built CLI exporting to an OTLP sink (bench/otlp-sink.ts). The
 * three are loaded in turn, the order rotated each round, and each "on" run is compared with
 * the "off" run of its own round: the ratios' median and range say what tracing costs and how
 * sure that is on a shared machine.
 *
 *   npm run build && node --import tsx bench/tracing.ts [--rounds 5] [--seconds 3]
 *
 * Writes bench/results/tracing.json and prints a table.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startProgram } from '../src/core/programs.js';
import { freePort } from '../src/plan/bench-server.js';
import { median } from './report.js';
import { startBerth, type ServerUnderTest } from './servers.js';

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const rounds = argument('rounds', 5);
const seconds = argument('seconds', 3);
const connections = 16;
const body = JSON.stringify({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });

interface Run {
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  errors: number;
}

async function load(url: string, duration: number): Promise<Run> {
  const result = await autocannon({
    url: `${url}/predict`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections,
    duration,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    max: result.latency.max,
    errors: result.errors + result.non2xx,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'berth-bench-tracing-'));
const sinkPort = await freePort();
const sink = startProgram(process.execPath, ['--import', 'tsx', 'bench/otlp-sink.ts', String(sinkPort)]);
while (!sink.output().includes('ready')) await new Promise((resolve) => setTimeout(resolve, 20));
const endpoint = `http://127.0.0.1:${sinkPort}/v1/traces`;

const configs = [
  { label: 'off', flags: [] as string[] },
  {
    label: 'on, 1% sampled',
    flags: ['--tracing', 'true', '--otlp-endpoint', endpoint, '--trace-sample-ratio', '0.01'],
  },
  { label: 'on, 100% sampled', flags: ['--tracing', 'true', '--otlp-endpoint', endpoint, '--trace-sample-ratio', '1'] },
];
const servers: ServerUnderTest[] = [];
for (const config of configs)
  servers.push(
    await startBerth('examples/iris', ['--log-level', 'warn', ...config.flags], join(dir, `${servers.length}.log`)),
  );
const runs: Run[][] = configs.map(() => []);
try {
  for (const server of servers) await load(server.url, 1); // warm-up: JIT, onnxruntime's first calls
  for (let round = 0; round < rounds; round++) {
    for (let step = 0; step < configs.length; step++) {
      const index = (round + step) % configs.length;
      runs[index]!.push(await load(servers[index]!.url, seconds));
    }
    process.stderr.write(
      `round ${round + 1}/${rounds}: ${runs.map((config) => Math.round(config.at(-1)!.rps)).join(' / ')} req/s\n`,
    );
  }
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  await sink.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}

const rows = configs.map((config, index) => {
  const own = runs[index]!;
  const ratios = own.map((run, round) => run.rps / runs[0]![round]!.rps);
  return {
    config: config.label,
    rps: Math.round(median(own.map((run) => run.rps))),
    ratio: { median: round3(median(ratios)), min: round3(Math.min(...ratios)), max: round3(Math.max(...ratios)) },
    latencyMs: {
      p50: median(own.map((run) => run.p50)),
      p99: median(own.map((run) => run.p99)),
      p999: median(own.map((run) => run.p999)),
      max: Math.max(...own.map((run) => run.max)),
    },
    errors: own.reduce((sum, run) => sum + run.errors, 0),
  };
});
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
const report = { node: process.version, date: new Date().toISOString(), rounds, seconds, connections, rows };
await writeFile('bench/results/tracing.json', `${JSON.stringify(report, null, 2)}\n`);
console.log(
  '| tracing | req/s (median) | ratio to off (median, min–max over rounds) | p50 / p99 / p99.9 / max ms | errors |',
);
console.log('|---|---|---|---|---|');
for (const row of rows)
  console.log(
    `| ${row.config} | ${row.rps} | ${row.ratio.median} (${row.ratio.min}–${row.ratio.max}) | ${row.latencyMs.p50} / ${row.latencyMs.p99} / ${row.latencyMs.p999} / ${row.latencyMs.max} | ${row.errors} |`,
  );
