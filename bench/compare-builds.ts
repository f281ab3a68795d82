import { writeFileSync } from 'node:fs';
import { startProgram } from '../src/core/programs.js';
import { freePort, serveArgs } from '../src/plan/bench-server.js';
import { runLoadTest, type LoadTestResult } from '../src/plan/load-test.js';
import { grpcLoad } from './grpc-load.js';
import { median } from './report.js';
import { rssMbOf } from './servers.js';

/**
 * `node --import tsx bench/compare-builds.ts DIR_A DIR_B [--reps 3] [--seconds 3] [--only A,B] [--out FILE.json]`:
 * the request paths of two built checkouts (`dist/cli/bin.js serve examples/iris`, production
 * settings) under the same loads, each repetition alternating A and B so both see the same
 * machine. For changes to the serving path; run it under the heavy lock like the benchmark.
 * Prints B/A ratios of the medians with the spread of the per-repetition ratios.
 */
const args = process.argv.slice(2);
const [a, b] = args.filter((arg, index) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--'));
const option = (name: string, fallback: string) =>
  args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback;
const reps = Number(option('reps', '3'));
const seconds = Number(option('seconds', '3'));
if (!a || !b)
  throw new Error('usage: bench/compare-builds.ts DIR_A DIR_B [--reps N] [--seconds S] [--only A,B] [--out FILE]');

interface Server {
  url: string;
  grpcPort: number;
  pid: number;
  stop(): Promise<void>;
}

async function startBuild(dir: string): Promise<Server> {
  const [port, grpcPort] = [await freePort(), await freePort()];
  const program = startProgram(process.execPath, [
    `${dir}/dist/cli/bin.js`,
    ...serveArgs(`${dir}/examples/iris`, port, grpcPort),
  ]);
  const url = `http://127.0.0.1:${port}`;
  const since = performance.now();
  while (
    !(await fetch(`${url}/ready`).then(
      (response) => response.status === 200,
      () => false,
    ))
  ) {
    if (performance.now() - since > 60_000)
      throw new Error(`${dir} did not become ready: ${program.output().slice(-500)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { url, grpcPort, pid: program.pid!, stop: async () => void (await program.kill('SIGTERM', 10_000)) };
}

const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const values = (rows: number) =>
  Array.from({ length: rows * 4 }, (_, index) => Math.round((1 + ((index * 7919) % 50) / 10) * 10) / 10);
const v2Json = (rows: number) =>
  JSON.stringify({ inputs: [{ name: 'float_input', datatype: 'FP32', shape: [rows, 4], data: values(rows) }] });
const v2Binary = (rows: number) => {
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        { name: 'float_input', datatype: 'FP32', shape: [rows, 4], parameters: { binary_data_size: rows * 16 } },
      ],
      parameters: { binary_data_output: true },
    }),
  );
  return {
    body: Buffer.concat([header, Buffer.from(Float32Array.from(values(rows)).buffer)]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  };
};
const seedRows = (rows: number) => JSON.stringify({ instances: Array.from({ length: rows }, () => row) });
const post =
  (path: string, body: string | Buffer, connections: number, headers?: Record<string, string>) => (server: Server) =>
    runLoadTest({
      url: `${server.url}${path}`,
      method: 'POST',
      body,
      connections,
      durationSeconds: seconds,
      ...(headers ? { headers } : {}),
    });
const binary = v2Binary(1000);

const allPoints: Array<{ label: string; load: (server: Server) => Promise<LoadTestResult> }> = [
  { label: 'seed /predict 1 row c64', load: post('/predict', JSON.stringify(row), 64) },
  { label: 'seed /predict 1000 rows c16', load: post('/predict', seedRows(1000), 16) },
  { label: 'v2 JSON 1 row c64', load: post('/v2/models/iris/infer', v2Json(1), 64) },
  { label: 'v2 JSON 1000 rows c16', load: post('/v2/models/iris/infer', v2Json(1000), 16) },
  { label: 'v2 binary 1000 rows c16', load: post('/v2/models/iris/infer', binary.body, 16, binary.headers) },
  {
    label: 'KServe v1 1 row c64',
    load: post('/v1/models/iris:predict', JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }), 64),
  },
  {
    label: 'gRPC 1 row c16 (grpc-js client)',
    load: (server) => grpcLoad(server.grpcPort, 'iris', Object.values(row), 16, seconds),
  },
];
// `--only A,B`: the points whose label contains A or B.
const only = option('only', '').split(',');
const points = allPoints.filter((point) => only.some((text) => point.label.includes(text)));

/** Medians of both sides, and B/A per repetition (both sides of one repetition saw the same minute of the machine). */
function summarize(label: string, runs: Record<'a' | 'b', LoadTestResult[]>) {
  const rps = (side: 'a' | 'b') => runs[side].map((run) => run.requests.perSecond);
  const ratios = rps('b').map((value, index) => value / rps('a')[index]!);
  const both = <T>(of: (side: 'a' | 'b') => T) => ({ a: of('a'), b: of('b') });
  return {
    label,
    rps: both((side) => median(rps(side))),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    p50: both((side) => median(runs[side].map((run) => run.latencyMs.p50))),
    p99: both((side) => median(runs[side].map((run) => run.latencyMs.p99))),
    max: both((side) => Math.max(...runs[side].map((run) => run.latencyMs.max))),
    errors: both((side) => runs[side].reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx, 0)),
  };
}

const servers = { a: await startBuild(a), b: await startBuild(b) };
const results: Array<ReturnType<typeof summarize>> = [];
process.stderr.write(`compare-builds: A=${a} B=${b}, ${reps} reps × ${seconds}s per point, alternating\n`);
for (const point of points) {
  for (const server of [servers.a, servers.b]) await point.load(server); // warm-up, discarded
  const runs = { a: [] as LoadTestResult[], b: [] as LoadTestResult[] };
  for (let rep = 0; rep < reps; rep++) {
    // Alternate which goes first, so neither always follows the other's load.
    const order = rep % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const side of order) runs[side].push(await point.load(servers[side]));
  }
  const summary = summarize(point.label, runs);
  results.push(summary);
  process.stderr.write(
    `  ${point.label}: B/A ${summary.ratio.toFixed(2)} (${summary.ratioMin.toFixed(2)}–${summary.ratioMax.toFixed(2)}), p99 ${summary.p99.a} → ${summary.p99.b} ms, max ${summary.max.a} → ${summary.max.b} ms, errors ${summary.errors.a}/${summary.errors.b}\n`,
  );
}
const rss = { a: rssMbOf(servers.a.pid), b: rssMbOf(servers.b.pid) };
await Promise.all([servers.a.stop(), servers.b.stop()]);

const table = [
  '| point | A req/s | B req/s | B/A (spread) | p99 ms A → B | max ms A → B | errors A/B |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.label} | ${Math.round(r.rps.a)} | ${Math.round(r.rps.b)} | ${r.ratio.toFixed(2)} (${r.ratioMin.toFixed(2)}–${r.ratioMax.toFixed(2)}) | ${r.p99.a} → ${r.p99.b} | ${r.max.a} → ${r.max.b} | ${r.errors.a}/${r.errors.b} |`,
  ),
  '',
  `RSS after the loads: A ${rss.a} MB, B ${rss.b} MB.`,
].join('\n');
process.stdout.write(`${table}\n`);
const out = option('out', '');
if (out) writeFileSync(out, `${JSON.stringify({ a, b, reps, seconds, results, rss }, null, 2)}\n`);
