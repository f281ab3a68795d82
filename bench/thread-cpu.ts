import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startBerthServer } from '../src/plan/bench-server.js';
import { runLoadTest, type LoadTestResult } from '../src/plan/load-test.js';
import { median } from './report.js';
import { requestBody } from './peers/requests.js';

/**
 * `node --import tsx bench/thread-cpu.ts [--pairs 4] [--seconds 8] [--warmup 2] [--connections 64]
 * [--out NAME] 'LABEL=DIR [serve flags]' ...`: `/predict` on iris (one-row named-feature body) under
 * autocannon, each variant a built checkout with its own `berth serve` flags, the variants
 * alternating in every round so each round sees the same machine. Per run: the main thread's CPU
 * time (utime + stime of /proc/PID/task/PID/stat) and the other threads' (onnxruntime's, V8's, libuv's)
 * over the measured seconds, divided by the requests answered. At 64 connections the main thread
 * is saturated, so its CPU per request is what bounds req/s, and it moves less than req/s when
 * other work shares the machine. Run it under the heavy lock like the benchmark.
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback;
const variants = args
  .filter((arg, index) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--'))
  .map((arg) => {
    const [label, rest = ''] = arg.split(/=(.*)/s);
    const [dir, ...flags] = rest.split(' ').filter(Boolean);
    if (!label || !dir) throw new Error(`a variant is LABEL=DIR [serve flags], not ${JSON.stringify(arg)}`);
    return { label, dir: resolve(dir), flags };
  });
if (variants.length === 0) throw new Error("usage: bench/thread-cpu.ts [--pairs N] ... 'LABEL=DIR [flags]' ...");
const pairs = Number(option('pairs', '4'));
const seconds = Number(option('seconds', '8'));
const warmup = Number(option('warmup', '2'));
const connections = Number(option('connections', '64'));
const out = option('out', '');
const body = requestBody('named', [5.1, 3.5, 1.4, 0.2]);
const ticksPerSecond = 100; // USER_HZ on Linux

/** CPU seconds of each of a process's threads, by thread id. */
function threadSeconds(pid: number): Map<string, number> {
  const seconds = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8').split(') ')[1]!.split(' ');
      seconds.set(task, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return seconds;
}

interface Run {
  label: string;
  round: number;
  perSecond: number;
  mainMicros: number;
  otherMicros: number;
  mainCores: number;
  calls: Record<string, number>;
  latencyMs: LoadTestResult['latencyMs'];
}

async function measure(variant: (typeof variants)[number], round: number): Promise<Run> {
  const server = await startBerthServer(
    `${variant.dir}/examples/iris`,
    { program: process.execPath, args: [`${variant.dir}/dist/cli/bin.js`] },
    60_000,
    variant.flags,
  );
  try {
    const pid = server.pid!;
    const load = (durationSeconds: number) =>
      runLoadTest({ url: `${server.baseUrl}/predict`, body, connections, durationSeconds });
    if (warmup > 0) await load(warmup);
    const before = threadSeconds(pid);
    const started = performance.now();
    const result = await load(seconds);
    const after = threadSeconds(pid);
    const elapsed = (performance.now() - started) / 1000;
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    const calls: Record<string, number> = {};
    for (const match of metrics.matchAll(
      /berth_model_call_duration_seconds_count\{[^}]*thread="([a-z]+)"[^}]*\} (\d+)/g,
    ))
      calls[match[1]!] = (calls[match[1]!] ?? 0) + Number(match[2]);
    const main = after.get(String(pid))! - before.get(String(pid))!;
    let other = 0;
    for (const [task, spent] of after) if (task !== String(pid)) other += spent - (before.get(task) ?? 0);
    const requests = result.requests.completed;
    return {
      label: variant.label,
      round,
      perSecond: Math.round(requests / elapsed),
      mainMicros: (main * 1e6) / requests,
      otherMicros: (other * 1e6) / requests,
      mainCores: main / elapsed,
      calls,
      latencyMs: result.latencyMs,
    };
  } finally {
    await server.stop();
  }
}

const runs: Run[] = [];
for (let round = 1; round <= pairs; round++)
  for (const variant of variants) {
    const run = await measure(variant, round);
    runs.push(run);
    process.stderr.write(
      `round ${round} ${run.label}: ${run.perSecond} req/s, main ${run.mainMicros.toFixed(2)} µs/req (${run.mainCores.toFixed(2)} cores), other threads ${run.otherMicros.toFixed(2)} µs/req, p99 ${run.latencyMs.p99} ms, calls ${JSON.stringify(run.calls)}\n`,
    );
  }

const spread = (values: number[], digits: number) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
const lines = [
  `| variant | main-thread µs/req | other threads µs/req | main thread cores | req/s | p99 ms | p99.9 ms | max ms |`,
  `| --- | --- | --- | --- | --- | --- | --- | --- |`,
  ...variants.map(({ label }) => {
    const own = runs.filter((run) => run.label === label);
    const of = (pick: (run: Run) => number, digits = 0) => spread(own.map(pick), digits);
    return `| ${label} | ${of((run) => run.mainMicros, 2)} | ${of((run) => run.otherMicros, 2)} | ${of((run) => run.mainCores, 2)} | ${of((run) => run.perSecond)} | ${of((run) => run.latencyMs.p99, 1)} | ${of((run) => run.latencyMs.p999, 1)} | ${of((run) => run.latencyMs.max, 1)} |`;
  }),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (out)
  writeFileSync(
    `bench/results/${out}.json`,
    // Labels and flags, not the checkouts' paths (a machine's own).
    `${JSON.stringify({ connections, seconds, warmup, pairs, variants: variants.map(({ label, flags }) => ({ label, flags })), runs }, null, 2)}\n`,
  );
