import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startProgram } from '../src/core/programs.js';
import { freePort, serveArgs } from '../src/plan/bench-server.js';
import { requestBody } from './peers/requests.js';
import { median } from './report.js';
import { serverEnv } from './servers.js';

/**
 * `node --import tsx bench/cpu-per-request.ts DIR_A DIR_B [--pairs 4] [--seconds 8] [--warmup 3] [--connections 64]`:
 * the main thread's CPU per `/predict` request of two built checkouts serving iris (`berth serve`
 * with its defaults, the access log written to a file), in interleaved pairs. The main thread is
 * what saturates at 64 connections, and its CPU per request (utime + stime of
 * `/proc/<pid>/task/<pid>/stat` over a measured run, divided by the responses received) is steadier
 * on a shared machine than req/s. Each pair measures A and B one after the other (the order
 * alternates), each after a warm-up. Load: one row of named features, as bench:peers sends iris.
 * Run it under the heavy lock like the benchmarks.
 */
const args = process.argv.slice(2);
const [a, b] = args.filter((arg, index) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--'));
const option = (name: string, fallback: number) =>
  args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback;
const pairs = option('pairs', 4);
const seconds = option('seconds', 8);
const warmup = option('warmup', 3);
const connections = option('connections', 64);
if (!a || !b) throw new Error('usage: bench/cpu-per-request.ts DIR_A DIR_B [--pairs N] [--seconds S]');

const body = requestBody('named', [5.1, 3.5, 1.4, 0.2]);
const ticksPerSecond = 100; // USER_HZ on Linux

interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function start(dir: string, name: string): Promise<Server> {
  const port = await freePort();
  const logFile = join(tmpdir(), `berth-cpu-per-request-${process.pid}-${name}.log`);
  rmSync(logFile, { force: true });
  const program = startProgram(
    process.execPath,
    [`${dir}/dist/cli/bin.js`, ...serveArgs(`${dir}/examples/iris`, port)],
    {
      logFile,
      env: serverEnv(),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const since = performance.now();
  while (
    !(await fetch(`${url}/ready`).then(
      (response) => response.status === 200,
      () => false,
    ))
  ) {
    if (performance.now() - since > 60_000) throw new Error(`${dir} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    url,
    pid: program.pid!,
    stop: async () => {
      await program.kill('SIGTERM', 10_000);
      rmSync(logFile, { force: true });
    },
  };
}

/** utime + stime of the process's main thread, in seconds. */
function mainThreadCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

async function load(server: Server, duration: number): Promise<number> {
  let ok = 0;
  const instance = autocannon({
    url: `${server.url}/predict`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    connections,
    duration,
  });
  let other = 0;
  instance.on('response', (_client: unknown, status: number) => {
    if (status === 200) ok++;
    else other++;
  });
  await instance;
  if (other > 0) throw new Error(`${other} responses were not 200`);
  return ok;
}

async function measure(server: Server): Promise<{ micros: number; rps: number }> {
  await load(server, warmup);
  const before = mainThreadCpu(server.pid);
  const requests = await load(server, seconds);
  const cpu = mainThreadCpu(server.pid) - before;
  return { micros: (cpu / requests) * 1e6, rps: requests / seconds };
}

const servers = { a: await start(a, 'a'), b: await start(b, 'b') };
const runs = { a: [] as Array<{ micros: number; rps: number }>, b: [] as Array<{ micros: number; rps: number }> };
process.stderr.write(`cpu-per-request: A=${a} B=${b}, ${pairs} pairs × ${seconds}s at ${connections} connections\n`);
try {
  for (let pair = 0; pair < pairs; pair++) {
    const order = pair % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const side of order) runs[side].push(await measure(servers[side]));
    const [ra, rb] = [runs.a[pair]!, runs.b[pair]!];
    process.stderr.write(
      `  pair ${pair + 1}: A ${ra.micros.toFixed(2)} µs (${Math.round(ra.rps)} req/s), B ${rb.micros.toFixed(2)} µs (${Math.round(rb.rps)} req/s), B/A ${(rb.micros / ra.micros).toFixed(3)}\n`,
    );
  }
} finally {
  await Promise.all([servers.a.stop(), servers.b.stop()]);
}

const spread = (values: number[], digits: number) =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
const ratios = runs.b.map((run, index) => run.micros / runs.a[index]!.micros);
process.stdout.write(
  [
    '| build | main-thread µs/request (median, min–max) | req/s (median, min–max) |',
    '| --- | --- | --- |',
    `| A | ${spread(
      runs.a.map((run) => run.micros),
      2,
    )} | ${spread(
      runs.a.map((run) => run.rps),
      0,
    )} |`,
    `| B | ${spread(
      runs.b.map((run) => run.micros),
      2,
    )} | ${spread(
      runs.b.map((run) => run.rps),
      0,
    )} |`,
    '',
    `B/A per pair: ${ratios.map((ratio) => ratio.toFixed(3)).join(', ')}; median ${median(ratios).toFixed(3)}`,
    '',
  ].join('\n'),
);
