import { startProgram } from '../src/core/programs.js';
import { freePort, serveArgs } from '../src/plan/bench-server.js';
import { median } from './report.js';
import { rssMbOf, serverEnv } from './servers.js';

/**
 * `node --import tsx bench/compare-start.ts DIR_A DIR_B [spawns]`: cold start (spawn → /ready 200)
 * and idle RSS (12 s after /ready) of two built checkouts' `dist/cli/bin.js serve examples/iris`,
 * spawned in alternation so both see the same machine. For changes that may cost start-up time
 * or memory at rest; run it under the heavy lock like the benchmark.
 */
const [a, b, spawns = '5'] = process.argv.slice(2);
if (!a || !b) throw new Error('usage: bench/compare-start.ts DIR_A DIR_B [spawns]');

async function once(dir: string): Promise<{ ms: number; mb: number }> {
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
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  const mb = rssMbOf(program.pid!);
  await program.kill('SIGTERM', 10_000);
  return { ms, mb };
}

const results: Record<string, Array<{ ms: number; mb: number }>> = { [a]: [], [b]: [] };
for (let spawn = 0; spawn < Number(spawns); spawn++) for (const dir of [a, b]) results[dir]!.push(await once(dir));
for (const [dir, runs] of Object.entries(results)) {
  const ms = runs.map((run) => run.ms);
  const mb = runs.map((run) => run.mb);
  process.stdout.write(
    `${dir}: cold start ${Math.round(median(ms))} ms (${Math.round(Math.min(...ms))}–${Math.round(Math.max(...ms))}), idle RSS ${median(mb).toFixed(1)} MB (${Math.min(...mb).toFixed(1)}–${Math.max(...mb).toFixed(1)})\n`,
  );
}
