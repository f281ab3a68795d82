import { readFileSync } from 'node:fs';
import { startProgram } from '../src/core/programs.js';
import { freePort, serveArgs } from '../src/plan/bench-server.js';
import { median } from './report.js';
import { rssMbOf, serverEnv } from './servers.js';

/**
 * `node --import tsx bench/compare-start.ts DIR_A DIR_B [spawns]`: cold start (spawn → /ready 200),
 * the main thread's CPU time to that moment (/proc/<pid>/task/<pid>/schedstat: less at the mercy of
 * what else the machine runs than wall time) and idle RSS (12 s after /ready) of two built
 * checkouts' `dist/cli/bin.js serve examples/iris`, spawned in alternation so both see the same machine. For changes that may cost start-up time
 * or memory at rest; run it under the heavy lock like the benchmark.
 */
const [a, b, spawns = '5'] = process.argv.slice(2);
if (!a || !b) throw new Error('usage: bench/compare-start.ts DIR_A DIR_B [spawns]');

/** CPU time the process's main thread has run, in ms. */
const mainThreadCpuMs = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;

async function once(dir: string): Promise<{ ms: number; cpu: number; mb: number }> {
  const [port, grpcPort] = [await freePort(), await freePort()];
  const started = performance.now();
  const program = startProgram(
    process.execPath,
    [`${dir}/dist/cli/bin.js`, ...serveArgs(`${dir}/examples/iris`, port, grpcPort)],
    { env: serverEnv() },
  );
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const ms = performance.now() - started;
  const cpu = mainThreadCpuMs(program.pid!);
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  const mb = rssMbOf(program.pid!);
  await program.kill('SIGTERM', 10_000);
  return { ms, cpu, mb };
}

const results: Record<string, Array<{ ms: number; cpu: number; mb: number }>> = { [a]: [], [b]: [] };
for (let spawn = 0; spawn < Number(spawns); spawn++) for (const dir of [a, b]) results[dir]!.push(await once(dir));
for (const [dir, runs] of Object.entries(results)) {
  const ms = runs.map((run) => run.ms);
  const cpu = runs.map((run) => run.cpu);
  const mb = runs.map((run) => run.mb);
  const range = (values: number[]) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;
  process.stdout.write(
    `${dir}: cold start ${Math.round(median(ms))} ms (${range(ms)}), main-thread CPU to /ready ${Math.round(median(cpu))} ms (${range(cpu)}), idle RSS ${median(mb).toFixed(1)} MB (${Math.min(...mb).toFixed(1)}–${Math.max(...mb).toFixed(1)})\n`,
  );
}
