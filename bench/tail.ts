import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { freePort, serveArgs } from '../src/plan/bench-server.js';
import { compiledBenchScript, startServer } from './servers.js';

/**
 * `npm run bench:tail [-- --reps 3 --seconds 8 --connections 64 --target examples/iris --node-flags '--max-semi-space-size=32' --out tail] [-- serve flags]`:
 * what Berth's slowest responses under load are made of. Berth runs from dist/ with a probe loaded
 * (bench/tail-probe.ts: GC pauses, event-loop turns over 3 ms, worker threads started) and V8's
 * `--trace-gc-nvp` (bytes promoted to the old generation per scavenge). autocannon records when each
 * response ended and whether it was its connection's first. The report gives, per repetition, the
 * percentiles with and without each connection's first response, the GC time and promotion per
 * request, the server's per-phase histograms (/metrics deltas), and the slowest bursts of responses
 * beside the server events that overlap them. `--node-flags` are given to the server's node (V8's
 * heap sizes); `--out NAME` also writes the report to bench/results/NAME.md.
 */
const args = process.argv.slice(2);
const split = args.indexOf('--');
const own = split === -1 ? args : args.slice(0, split);
const serveFlags = split === -1 ? [] : args.slice(split + 1);
const option = (name: string, fallback: string) =>
  own.includes(`--${name}`) ? own[own.indexOf(`--${name}`) + 1]! : fallback;
const reps = Number(option('reps', '3'));
const seconds = Number(option('seconds', '8'));
const connections = Number(option('connections', '64'));
const target = option('target', 'examples/iris');
const nodeFlags = option('node-flags', '').split(' ').filter(Boolean);
const out = option('out', '');
if (out && !/^[a-z0-9-]+$/.test(out)) throw new Error(`--out ${out}: a file name in bench/results, without extension`);
const body = JSON.stringify({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });

mkdirSync('bench/results/logs', { recursive: true });
const probeFile = 'bench/results/logs/tail-probe.jsonl';
const serverLog = 'bench/results/logs/tail-server.log';
for (const file of [probeFile, serverLog]) if (existsSync(file)) rmSync(file);
const port = await freePort();
const server = await startServer({
  program: process.execPath,
  args: [
    ...nodeFlags,
    '--trace-gc-nvp',
    '--import',
    `./${compiledBenchScript('tail-probe')}`,
    'dist/cli/bin.js',
    ...serveArgs(target, port),
    ...serveFlags,
  ],
  port,
  readyPath: '/ready',
  logFile: serverLog,
  env: { ...process.env, TAIL_PROBE_FILE: probeFile },
});

interface Response {
  end: number;
  ms: number;
  first: boolean;
}

function load(durationSeconds: number): Promise<Response[]> {
  const responses: Response[] = [];
  const answered = new WeakSet<object>();
  const instance = autocannon({
    url: `${server.url}/predict`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections,
    duration: durationSeconds,
  });
  instance.on('response', (client: object, _status: number, _bytes: number, ms: number) => {
    responses.push({ end: Date.now(), ms, first: !answered.has(client) });
    answered.add(client);
  });
  return Promise.resolve(instance).then(() => responses);
}

const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
await load(2); // warm-up: JIT, and the onnxruntime thread if calls are long
const before = await scrape();
const started = Date.now();
const runs: Response[][] = [];
for (let rep = 0; rep < reps; rep++) runs.push(await load(seconds));
const after = await scrape();
await server.stop();

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length - 1e-9) - 1))] ?? 0;
const f = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const lines: string[] = [
  `bench:tail: ${target}, ${connections} connections, ${reps} × ${seconds} s after 2 s of warm-up${nodeFlags.length ? `, node ${nodeFlags.join(' ')}` : ''} (${new Date().toISOString()}, load average ${loadavg()[0]!.toFixed(2)})`,
  '',
];
lines.push(
  '| rep | req/s | p50 ms | p99 ms | p99.9 ms | max ms | max without first responses ms | first responses among the slowest 0.1% |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|',
);
runs.forEach((responses, index) => {
  const all = responses.map((response) => response.ms).sort((a, b) => a - b);
  const steady = responses
    .filter((response) => !response.first)
    .map((response) => response.ms)
    .sort((a, b) => a - b);
  const cut = percentile(all, 99.9);
  const firstsInTail = responses.filter((response) => response.first && response.ms >= cut).length;
  lines.push(
    `| ${index + 1} | ${Math.round(all.length / seconds)} | ${f(percentile(all, 50))} | ${f(percentile(all, 99))} | ${f(percentile(all, 99.9))} | ${f(all.at(-1) ?? 0)} | ${f(steady.at(-1) ?? 0)} | ${firstsInTail} of ${all.length - all.findIndex((ms) => ms >= cut)} |`,
  );
});

// GC and event-loop turns in the measured window, from the probe; promotion from --trace-gc-nvp.
interface ProbeEvent {
  event: string;
  kind?: string;
  at: number;
  ms: number;
}
const events = readFileSync(probeFile, 'utf8')
  .trim()
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as ProbeEvent)
  .filter((event) => event.at >= started);
const requests = runs.reduce((sum, responses) => sum + responses.length, 0);
const measuredSeconds = reps * seconds;
lines.push('', '| server event | count | per second | total ms | max ms |', '|---|---:|---:|---:|---:|');
const groups = new Map<string, number[]>();
for (const event of events)
  groups.set(event.kind ? `${event.event}: ${event.kind}` : event.event, [
    ...(groups.get(event.kind ? `${event.event}: ${event.kind}` : event.event) ?? []),
    event.ms,
  ]);
for (const [name, times] of [...groups].sort())
  lines.push(
    `| ${name} | ${times.length} | ${(times.length / measuredSeconds).toFixed(1)} | ${f(times.reduce((a, b) => a + b, 0))} | ${f(Math.max(...times))} |`,
  );
const processStart = readFileSync(probeFile, 'utf8')
  .split('\n')
  .map((line) => (line ? (JSON.parse(line) as ProbeEvent) : undefined))
  .find((event) => event?.event === 'start')!.at;
const promoted = readFileSync(serverLog, 'utf8')
  .split('\n')
  .map((line) => /\s([\d.]+) ms: .*\bgc=s\b.*\bpromoted=(\d+)/.exec(line))
  .filter((match) => match && processStart + Number(match[1]) >= started)
  .reduce((sum, match) => sum + Number(match![2]), 0);
lines.push(
  '',
  `Promoted to the old generation by scavenges: ${(promoted / 1e6).toFixed(1)} MB, ${Math.round(promoted / requests)} bytes per request (V8 --trace-gc-nvp).`,
);

// Per-phase histograms: /metrics deltas over the measured reps.
const { parsePrometheusText } = (await import(
  new URL('../src/http/dashboard/static/prom-text.js', import.meta.url).href
)) as {
  parsePrometheusText(text: string): {
    samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
  };
};
const buckets = (text: string, name: string, labels: Record<string, string>) =>
  parsePrometheusText(text).samples.filter(
    (sample) =>
      sample.name === `${name}_bucket` && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
const phase = (name: string, labels: Record<string, string>, unit: (value: number) => string) => {
  const low = new Map(buckets(before, name, labels).map((sample) => [sample.labels.le, sample.value]));
  const delta = buckets(after, name, labels).map((sample) => ({
    le: sample.labels.le!,
    count: sample.value - (low.get(sample.labels.le) ?? 0),
  }));
  const total = delta.at(-1)?.count ?? 0;
  if (total === 0) return;
  const at = (q: number) => delta.find((bucket) => bucket.count >= q * total)?.le ?? '+Inf';
  lines.push(
    `| ${name}${Object.keys(labels).length ? ` ${JSON.stringify(labels)}` : ''} | ${total} | ≤ ${unit(Number(at(0.5)))} | ≤ ${unit(Number(at(0.99)))} | ≤ ${unit(Number(at(0.999)))} |`,
  );
};
const ms = (value: number) => (Number.isFinite(value) ? `${+(value * 1000).toPrecision(3)} ms` : '+Inf');
const rows = (value: number) => (Number.isFinite(value) ? String(value) : '+Inf');
lines.push('', '| phase (server histogram, bucket bound) | count | p50 | p99 | p99.9 |', '|---|---:|---:|---:|---:|');
phase('berth_http_request_duration_seconds', { route: '/predict' }, ms);
phase('berth_queue_duration_seconds', {}, ms);
phase('berth_model_call_duration_seconds', { thread: 'main' }, ms);
phase('berth_model_call_duration_seconds', { thread: 'onnxruntime' }, ms);
phase('berth_batch_size', {}, rows);

// The slowest bursts: responses over 5 × the median, grouped by when they started.
const median = percentile(
  runs
    .flat()
    .map((response) => response.ms)
    .sort((a, b) => a - b),
  50,
);
const slow = runs
  .flat()
  .filter((response) => response.ms > 5 * median)
  .map((response) => ({ ...response, start: response.end - response.ms }))
  .sort((a, b) => a.start - b.start);
const bursts: Array<{ start: number; last: number; count: number; firsts: number; max: number }> = [];
for (const response of slow) {
  const burst = bursts.at(-1);
  if (burst && response.start - burst.last < 30)
    Object.assign(burst, {
      last: response.start,
      count: burst.count + 1,
      firsts: burst.firsts + Number(response.first),
      max: Math.max(burst.max, response.ms),
    });
  else
    bursts.push({
      start: response.start,
      last: response.start,
      count: 1,
      firsts: Number(response.first),
      max: response.ms,
    });
}
lines.push(
  '',
  `Slowest bursts (responses over 5 × the median, ${f(median)} ms) and the server events over 2 ms during them:`,
  '',
);
for (const burst of bursts.sort((a, b) => b.max - a.max).slice(0, 8)) {
  const during = events.filter(
    (event) => event.at >= burst.start - 5 && event.at <= burst.last + burst.max && event.ms > 2,
  );
  lines.push(
    `- +${((burst.start - started) / 1000).toFixed(2)} s: ${burst.count} responses up to ${f(burst.max)} ms (${burst.firsts} first on their connection); ${during.map((event) => `${event.kind ?? event.event} ${f(event.ms)} ms`).join(', ') || 'no server event'}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
if (out) writeFileSync(`bench/results/${out}.md`, `${lines.join('\n')}\n`);
