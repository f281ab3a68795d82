import type { PerfAnalyzer, PerfAnalyzerResult } from './perf-analyzer.js';
import { runPerfAnalyzer } from './perf-analyzer.js';
import { median, type Point } from './report.js';
import type { ServerUnderTest } from './servers.js';

/**
 * perf_analyzer points for one served model: each concurrency level `reps` times, the levels in
 * alternation (as the autocannon points are), HTTP with binary tensors (perf_analyzer's default).
 * One repetition is one stable perf_analyzer measurement of three 2 s windows.
 */
export async function measurePerfAnalyzer(
  tool: PerfAnalyzer,
  server: ServerUnderTest,
  model: string,
  concurrencies: number[],
  reps: number,
): Promise<Point[]> {
  const url = server.url.replace(/^http:\/\//, '');
  const runs = concurrencies.map((): PerfAnalyzerResult[] => []);
  let rss = 0;
  for (let rep = 0; rep < reps; rep++) {
    for (const [index, concurrency] of concurrencies.entries()) {
      runs[index]!.push(await runPerfAnalyzer(tool, { model, url, protocol: 'http', concurrency, windowMs: 2000 }));
      rss = Math.max(rss, server.rssMb());
    }
  }
  return concurrencies.map((concurrency, index) => {
    const throughputs = runs[index]!.map((run) => run.throughput);
    const point: Point = {
      label: `perf_analyzer ${model} c${concurrency}`,
      rps: median(throughputs),
      rpsMin: Math.min(...throughputs),
      rpsMax: Math.max(...throughputs),
      rowsPerSecond: median(throughputs),
      p50: median(runs[index]!.map((run) => run.p50Ms)),
      p99: median(runs[index]!.map((run) => run.p99Ms)),
      // perf_analyzer reports percentiles up to p99 only.
      p999: Number.NaN,
      max: Number.NaN,
      reps: runs[index]!.map((run) => ({ rps: run.throughput, p99: run.p99Ms, p999: Number.NaN, max: Number.NaN })),
      errors: 0,
      rssMb: rss,
      statusCodes: { 200: runs[index]!.reduce((sum, run) => sum + run.serverSuccesses, 0) },
    };
    process.stderr.write(
      `  ${point.label}: ${Math.round(point.rps)} infer/s (${Math.round(point.rpsMin)}–${Math.round(point.rpsMax)}), p99 ${point.p99} ms\n`,
    );
    return point;
  });
}
