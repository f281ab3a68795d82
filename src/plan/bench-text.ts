import type { BenchResult } from './bench.js';
import type { LoadTestResult } from './load-test.js';

/** The human-readable `berth bench` report (`--json` prints the BenchResult itself). */
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

function runLines(run: LoadTestResult): string[] {
  const mode = run.mode === 'fixed-rate' ? `fixed rate ${run.offeredRate} req/s` : 'fixed concurrency';
  return [
    `  mode       ${mode}, ${run.connections} connections, ${run.durationSeconds.toFixed(1)} s`,
    `  requests   ${run.requests.completed} completed, ${run.requests.perSecond} req/s${run.offeredRate ? ` (offered ${run.offeredRate})` : ''}`,
    `  latency    p50 ${ms(run.latencyMs.p50)} ms · p90 ${ms(run.latencyMs.p90)} ms · p99 ${ms(run.latencyMs.p99)} ms · p99.9 ${ms(run.latencyMs.p999)} ms · max ${ms(run.latencyMs.max)} ms`,
    `  failures   ${run.errors} errors · ${run.non2xx} non-2xx · ${run.timeouts} timeouts`,
  ];
}

export function formatBench(result: BenchResult): string {
  const lines = [`bench ${result.method} ${result.url}`];
  if (result.run) lines.push(...runLines(result.run));
  const capacity = result.capacity;
  if (capacity) {
    lines.push(
      `  probe      closed loop: ${capacity.probe.requests.perSecond} req/s, p99 ${ms(capacity.probe.latencyMs.p99)} ms (${capacity.probe.connections} connections)`,
    );
    lines.push('', '  offered   achieved   p50 ms   p99 ms   conns   result');
    for (const step of capacity.steps) {
      lines.push(
        `  ${String(step.rate).padStart(7)}   ${String(step.achieved).padStart(8)}   ${ms(step.latencyMs.p50).padStart(6)}   ${ms(step.latencyMs.p99).padStart(6)}   ${String(step.connections).padStart(5)}   ${step.pass ? 'ok' : `fail: ${step.why}`}`,
      );
    }
    lines.push(
      '',
      `capacity: ${capacity.atCeiling ? 'at least ' : ''}${capacity.rps} req/s per server with p99 ≤ ${capacity.sloP99Ms} ms and no errors`,
    );
    if (capacity.atCeiling) lines.push('  (the probe ceiling itself passed: raise --connections to look higher)');
    lines.push(
      '  use it: berth bench … --find-capacity --json > bench.json; berth plan --from-bench bench.json --traffic …',
    );
  }
  return lines.join('\n');
}
