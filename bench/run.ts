import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { hasProgram, runProgram } from '../src/core/programs.js';
import { runLoadTest, type LoadTestOptions, type LoadTestResult } from '../src/plan/load-test.js';
import { grpcLoad } from './grpc-load.js';
import { h2loadGrpc } from './grpc-h2load.js';
import { acceptQueueOf, startBerth, startCeiling, startFloor, type ServerUnderTest } from './servers.js';
import { findPerfAnalyzer } from './perf-analyzer.js';
import { measurePerfAnalyzer } from './perf-analyzer-points.js';
import { formatTable, judge, median, type Point } from './report.js';

/**
 * `npm run bench [-- --reps 5 --seconds 5]`: Berth side by side with the ceiling (bare node:http)
 * on this machine, in one run. Load comes from autocannon in this process (the other core);
 * every point is warmed up (discarded) and repeated; the table shows the median and the spread.
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => Number(args[args.indexOf(`--${name}`) + 1] ?? fallback) || fallback;
// Five repetitions: a one-in-a-thousand stall (a full GC, a connection burst) shows in p99.9, and a
// target on every repetition needs enough of them to be caught.
const reps = option('reps', 5);
const seconds = option('seconds', 5);
const logDir = 'bench/results/logs';
mkdirSync(logDir, { recursive: true });

const irisRow = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const v2Body = (rows: number, width: number, name = 'float_input') =>
  JSON.stringify({
    inputs: [
      {
        name,
        datatype: 'FP32',
        shape: [rows, width],
        data: Array.from(
          { length: rows * width },
          (_, index) => Math.round((1 + ((index * 7919) % 50) / 10) * 10) / 10,
        ),
      },
    ],
  });

interface Measured {
  label: string;
  server: ServerUnderTest;
  load: () => Promise<LoadTestResult>;
  rowsPerRequest?: number;
}

/**
 * Points measured side by side: one discarded warm-up each (JIT, connection setup, ORT arenas),
 * then their repetitions in alternation, so that points compared in a ratio see the same machine.
 * This shared machine's speed drifts by tens of percent within minutes.
 */
async function measure(...entries: Measured[]): Promise<Point[]> {
  for (const entry of entries) await entry.load();
  const runs = entries.map((): LoadTestResult[] => []);
  const rss = entries.map(() => 0);
  for (let rep = 0; rep < reps; rep++) {
    for (const [index, entry] of entries.entries()) {
      runs[index]!.push(await entry.load());
      rss[index] = Math.max(rss[index]!, entry.server.rssMb());
    }
  }
  return entries.map((entry, index) => {
    const rps = runs[index]!.map((run) => run.requests.perSecond);
    const point: Point = {
      label: entry.label,
      rps: median(rps),
      rpsMin: Math.min(...rps),
      rpsMax: Math.max(...rps),
      rowsPerSecond: median(rps) * (entry.rowsPerRequest ?? 1),
      p50: median(runs[index]!.map((run) => run.latencyMs.p50)),
      p99: median(runs[index]!.map((run) => run.latencyMs.p99)),
      p999: median(runs[index]!.map((run) => run.latencyMs.p999)),
      max: median(runs[index]!.map((run) => run.latencyMs.max)),
      reps: runs[index]!.map((run) => ({
        rps: run.requests.perSecond,
        p99: run.latencyMs.p99,
        p999: run.latencyMs.p999,
        max: run.latencyMs.max,
      })),
      errors: runs[index]!.reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx, 0),
      rssMb: rss[index]!,
      statusCodes: runs[index]!.at(-1)!.statusCodes,
    };
    process.stderr.write(
      `  ${point.label}: ${Math.round(point.rps)} req/s (${Math.round(point.rpsMin)}–${Math.round(point.rpsMax)}), p99 ${point.p99} ms, p99.9 ${point.p999} ms\n`,
    );
    return point;
  });
}

/** The same 1000×4 rows as v2Body, as Triton's binary tensor extension sends them, answered in binary. */
const v2BinaryBody = (rows: number, width: number) => {
  const values = JSON.parse(v2Body(rows, width)).inputs[0].data as number[];
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        {
          name: 'float_input',
          datatype: 'FP32',
          shape: [rows, width],
          parameters: { binary_data_size: values.length * 4 },
        },
      ],
      parameters: { binary_data_output: true },
    }),
  );
  return {
    body: Buffer.concat([header, Buffer.from(Float32Array.from(values).buffer)]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  };
};

const http =
  (
    server: ServerUnderTest,
    path: string,
    body: string | Buffer,
    connections: number,
    extra: Partial<LoadTestOptions> = {},
  ) =>
  () =>
    runLoadTest({ url: `${server.url}${path}`, method: 'POST', body, connections, durationSeconds: seconds, ...extra });

async function inProcessRowsPerSecond(model: string, batch: number): Promise<number> {
  const result = await runProgram(process.execPath, [
    '--import',
    'tsx',
    'bench/in-process-ort.ts',
    model,
    String(batch),
    String(seconds),
  ]);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!).rowsPerSecond as number;
}

const points: Point[] = [];
const facts: Record<string, number> = {};
const log = (name: string) => `${logDir}/${name}.log`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The dashboard's parser: a browser module in JavaScript (JSDoc-typed), so its type is given here.
const { parsePrometheusText } = (await import(
  new URL('../src/http/dashboard/static/prom-text.js', import.meta.url).href
)) as {
  parsePrometheusText(text: string): { samples: Array<{ name: string; value: number }> };
};
/** The sum of a counter's samples in Prometheus text. */
const countOf = (name: string) => (text: string) =>
  parsePrometheusText(text)
    .samples.filter((sample) => sample.name === name)
    .reduce((sum, sample) => sum + sample.value, 0);

process.stderr.write(
  `bench: ${reps} reps × ${seconds}s per point on ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'})\n`,
);

// Cold start and memory at rest, over `reps` + 2 spawns (one spawn is at the mercy of the machine).
const starts: Array<{ coldStartMs: number; rssMb: number }> = [];
for (let spawn = 0; spawn < reps + 2; spawn++) {
  const started = await startBerth('examples/iris', [], log('berth-cold'));
  await sleep(500);
  starts.push({ coldStartMs: started.coldStartMs, rssMb: started.rssMb() });
  await started.stop();
}
facts.coldStartMs = median(starts.map((start) => start.coldStartMs));
facts.coldStartMinMs = Math.min(...starts.map((start) => start.coldStartMs));
facts.coldStartMaxMs = Math.max(...starts.map((start) => start.coldStartMs));
facts.startRssMb = median(starts.map((start) => start.rssMb));

// 1–2. The ceiling, the floor and Berth's /predict (seed dialect) with the iris example, side by side.
// Idle RSS is read after 15 s at rest: V8's memory reducer gives back what start-up left (a
// young generation grown to 16 MB, garbage) about 8 s after the last GC; 0.5 s after /ready,
// RSS is that start-up residue (startRssMb).
const ceiling = await startCeiling(log('ceiling'));
const floor = await startFloor(log('floor'));
const iris = await startBerth('examples/iris', [], log('berth-iris'));
await sleep(15_000);
facts.idleRssMb = iris.rssMb();
for (const connections of [16, 64]) {
  const body = JSON.stringify(irisRow);
  points.push(
    ...(await measure(
      { label: `ceiling c${connections}`, server: ceiling, load: http(ceiling, '/', body, connections) },
      { label: `floor c${connections}`, server: floor, load: http(floor, '/predict', body, connections) },
      { label: `berth /predict c${connections}`, server: iris, load: http(iris, '/predict', body, connections) },
    )),
  );
}
await Promise.all([ceiling.stop(), floor.stop()]);

// 3–4. OIP v2 REST and gRPC, and 1000-row requests against in-process onnxruntime (alternating).
points.push(
  ...(await measure({
    label: 'berth v2 REST c64',
    server: iris,
    load: http(iris, '/v2/models/iris/infer', v2Body(1, 4), 64),
  })),
);
const irisValues = Object.values(irisRow);
if (await hasProgram('h2load')) {
  const rowsServed = () =>
    fetch(`${iris.url}/metrics`)
      .then((response) => response.text())
      .then(countOf('berth_inference_rows_total'));
  points.push(
    ...(await measure({
      label: 'berth v2 gRPC 16×4 streams (h2load)',
      server: iris,
      load: () => h2loadGrpc(iris.grpcPort!, 'iris', irisValues, 16, 4, seconds, rowsServed),
    })),
  );
} else {
  // Without h2load (Debian: nghttp2-client) this row measures the grpc-js client more than Berth.
  points.push(
    ...(await measure({
      label: 'berth v2 gRPC c64 (grpc-js client)',
      server: iris,
      load: () => grpcLoad(iris.grpcPort!, 'iris', irisValues, 64, seconds),
    })),
  );
}
// 16 connections: with 4 the server idled ~15% between batches (profiled), waiting on the load generator.
const rowsLoad = http(iris, '/v2/models/iris/infer', v2Body(1000, 4), 16);
const ortRates: number[] = [];
const withOrt = async () => {
  const result = await rowsLoad();
  ortRates.push(await inProcessRowsPerSecond('examples/iris/model.onnx', 1000));
  return result;
};
const binaryRows = v2BinaryBody(1000, 4);
points.push(
  ...(await measure(
    { label: 'berth 1000 rows c16', server: iris, load: withOrt, rowsPerRequest: 1000 },
    {
      label: 'berth 1000 rows binary c16',
      server: iris,
      load: http(iris, '/v2/models/iris/infer', binaryRows.body, 16, { headers: binaryRows.headers }),
      rowsPerRequest: 1000,
    },
  )),
);
facts.ortRowsPerSecond = median(ortRates.slice(1)); // the first ran after the warm-up
const perfAnalyzer = await findPerfAnalyzer();
if (typeof perfAnalyzer === 'string') process.stderr.write(`bench: no perf_analyzer points: ${perfAnalyzer}\n`);
const perfAnalyzerPoints = (server: ServerUnderTest, model: string) =>
  typeof perfAnalyzer === 'string'
    ? Promise.resolve([])
    : measurePerfAnalyzer(perfAnalyzer, server, model, [1, 16, 64], reps);
points.push(...(await perfAnalyzerPoints(iris, 'iris')));
await iris.stop();

// 5. A large forest, batching on vs off.
const forests = await Promise.all(
  ['on', 'off'].map(async (batching) => {
    const server = await startBerth(
      'test/fixtures/models/bench-forest',
      ['--batching', String(batching === 'on')],
      log(`berth-forest-${batching}`),
    );
    return {
      label: `forest batching ${batching} c64`,
      server,
      load: http(server, '/v2/models/bench-forest/infer', v2Body(1, 50), 64),
    };
  }),
);
points.push(...(await measure(...forests)));
await forests[1]!.server.stop();
points.push(...(await perfAnalyzerPoints(forests[0]!.server, 'bench-forest')));
await forests[0]!.server.stop();

// 6. Overload: offer 4× the measured capacity, open loop.
const capacity = points.find((point) => point.label === 'berth /predict c64')!.rps;
const flood = await startBerth(
  'examples/iris',
  ['--request-timeout-ms', '1000', '--max-queue', '512', '--max-in-flight', '512'],
  log('berth-overload'),
);
await sleep(15_000); // idle as for idleRssMb: the ratio is to RSS at rest, not to the start-up residue
facts.overloadIdleRssMb = flood.rssMb();
let peakRss = 0;
let peakAcceptQueue = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, flood.rssMb());
  peakAcceptQueue = Math.max(peakAcceptQueue, acceptQueueOf(flood.port));
}, 100);
const overload = await runLoadTest({
  url: `${flood.url}/predict`,
  method: 'POST',
  body: JSON.stringify(irisRow),
  connections: 1024,
  durationSeconds: seconds * 2,
  rate: Math.round(capacity * 4),
  timeoutSeconds: 10,
});
clearInterval(sampler);
facts.overloadOfferedRps = Math.round(capacity * 4);
facts.overloadPeakRssMb = peakRss;
facts.overloadPeakAcceptQueue = peakAcceptQueue;
facts.overloadAlive =
  (await fetch(`${flood.url}/healthz`).then(
    (response) => response.status,
    () => 0,
  )) === 200
    ? 1
    : 0;
await flood.stop();
const overloadPoint: Point = {
  label: 'overload 4× c1024',
  rps: overload.requests.perSecond,
  rpsMin: overload.requests.perSecond,
  rpsMax: overload.requests.perSecond,
  rowsPerSecond: overload.requests.perSecond,
  p50: overload.latencyMs.p50,
  p99: overload.latencyMs.p99,
  p999: overload.latencyMs.p999,
  max: overload.latencyMs.max,
  reps: [
    {
      rps: overload.requests.perSecond,
      p99: overload.latencyMs.p99,
      p999: overload.latencyMs.p999,
      max: overload.latencyMs.max,
    },
  ],
  errors: overload.errors + overload.timeouts,
  rssMb: peakRss,
  statusCodes: overload.statusCodes,
};
points.push(overloadPoint);

const verdicts = judge(points, facts);
const table = formatTable(points, facts, verdicts);
process.stdout.write(`${table}\n`);
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  reps,
  seconds,
  points,
  facts,
  verdicts,
};
writeFileSync('bench/results/latest.json', `${JSON.stringify(result, null, 2)}\n`);
writeFileSync('bench/results/latest.md', `${table}\n`);
process.stderr.write('wrote bench/results/latest.json and latest.md\n');
