/** One benchmark point (median over repetitions, with the spread of requests/s). */
export interface Point {
  label: string;
  rps: number;
  rpsMin: number;
  rpsMax: number;
  rowsPerSecond: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Each repetition's own figures, for targets that must hold in every one. */
  reps: Array<{ rps: number; p99: number; p999: number; max: number }>;
  /** Connection errors + timeouts + non-2xx answers, summed over repetitions. */
  errors: number;
  rssMb: number;
  statusCodes: Record<string, number>;
}

export interface Verdict {
  target: string;
  value: string;
  met: boolean;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const find = (points: Point[], label: string) => points.find((point) => point.label === label)!;
/** To one and two decimals, as the results files and tables show figures. */
export const round1 = (value: number) => Math.round(value * 10) / 10;
export const round2 = (value: number) => Math.round(value * 100) / 100;
const ratio = (a: number, b: number) => round2(a / b);

/** a's figure over b's in each repetition (their repetitions alternate, so each pair saw the same machine). */
const perRep = (a: Point, b: Point, figure: 'p99' | 'p999') =>
  a.reps.map((rep, index) => rep[figure] / b.reps[index]![figure]);
const range = (values: number[]) => `${ratio(Math.min(...values), 1)}–${ratio(Math.max(...values), 1)}×`;

/** The targets, as ratios from this one run. */
export function judge(points: Point[], facts: Record<string, number>): Verdict[] {
  const ceiling = find(points, 'ceiling c64');
  const predict = find(points, 'berth /predict c64');
  const rows = find(points, 'berth 1000 rows c16');
  const on = find(points, 'forest batching on c64');
  const off = find(points, 'forest batching off c64');
  const overload = find(points, 'overload 4× c1024');
  const answered = Object.entries(overload.statusCodes).every(([code]) => ['200', '503', '429', '504'].includes(code));
  return [
    {
      target: '/predict c64 ≥ 0.8 × ceiling req/s',
      value: `${ratio(predict.rps, ceiling.rps)}×`,
      met: predict.rps >= 0.8 * ceiling.rps,
    },
    {
      target: '/predict c64 p99 ≤ 2 × ceiling p99, every repetition',
      value: range(perRep(predict, ceiling, 'p99')),
      met: Math.max(...perRep(predict, ceiling, 'p99')) <= 2,
    },
    {
      target: '/predict c64 p99.9 ≤ 5 × ceiling p99.9, every repetition',
      value: range(perRep(predict, ceiling, 'p999')),
      met: Math.max(...perRep(predict, ceiling, 'p999')) <= 5,
    },
    {
      target: '1000-row rows/s ≥ 0.7 × in-process onnxruntime',
      value: `${ratio(rows.rowsPerSecond, facts.ortRowsPerSecond!)}×`,
      met: rows.rowsPerSecond >= 0.7 * facts.ortRowsPerSecond!,
    },
    { target: 'forest c64: batching on ≥ 3 × off', value: `${ratio(on.rps, off.rps)}×`, met: on.rps >= 3 * off.rps },
    {
      target: 'overload 4×: alive, RSS < 2 × idle, all answered, no connection errors',
      value: `alive=${facts.overloadAlive === 1}, RSS ${ratio(facts.overloadPeakRssMb!, facts.overloadIdleRssMb!)}× idle, codes ${JSON.stringify(overload.statusCodes)}, errors ${overload.errors} (accept queue peak ${facts.overloadPeakAcceptQueue} connections)`,
      met:
        facts.overloadAlive === 1 &&
        facts.overloadPeakRssMb! < 2 * facts.overloadIdleRssMb! &&
        answered &&
        overload.errors === 0,
    },
    {
      target: 'cold start (spawn → /ready 200) ≤ 500 ms',
      value: `${Math.round(facts.coldStartMs!)} ms (median; ${Math.round(facts.coldStartMinMs!)}–${Math.round(facts.coldStartMaxMs!)})`,
      met: facts.coldStartMs! <= 500,
    },
    {
      target: 'idle RSS ≤ 100 MB',
      value: `${facts.idleRssMb} MB after 15 s at rest (${facts.startRssMb} MB 0.5 s after /ready)`,
      met: facts.idleRssMb! <= 100,
    },
  ];
}

/** A latency cell; NaN where the load generator reports no percentiles (h2load). */
const milliseconds = (value: number) => (Number.isNaN(value) ? '–' : String(value));

export function formatTable(points: Point[], facts: Record<string, number>, verdicts: Verdict[]): string {
  const lines = [
    '| point | req/s (median) | spread | rows/s | p50 ms | p99 ms | p99.9 ms | max ms (worst rep) | errors | RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const point of points) {
    const worst = Math.max(...point.reps.map((rep) => rep.max));
    lines.push(
      `| ${point.label} | ${Math.round(point.rps)} | ${Math.round(point.rpsMin)}–${Math.round(point.rpsMax)} | ${Math.round(point.rowsPerSecond)} | ${milliseconds(point.p50)} | ${milliseconds(point.p99)} | ${milliseconds(point.p999)} | ${milliseconds(worst)} | ${point.errors} | ${point.rssMb} |`,
    );
  }
  const floor = find(points, 'floor c64');
  const predict = find(points, 'berth /predict c64');
  lines.push(
    '',
    `In-process onnxruntime, iris, batches of 1000: ${Math.round(facts.ortRowsPerSecond!)} rows/s. 1000-row requests over REST reach ${ratio(find(points, 'berth 1000 rows c16').rowsPerSecond, facts.ortRowsPerSecond!)}× of it with JSON tensors, ${ratio(find(points, 'berth 1000 rows binary c16').rowsPerSecond, facts.ortRowsPerSecond!)}× with binary tensors (both ways).`,
    "perf_analyzer rows: Triton's own load generator (tritonclient 2.51.0 wheel) over HTTP with binary tensors, synchronous requests at the given concurrency; each repetition is one stable measurement (three windows within 50%).",
    `The floor (bare node:http with JSON, a request id, prom-client and a pino line; no model) at c64: ${ratio(floor.rps, find(points, 'ceiling c64').rps)}× the ceiling; Berth /predict: ${ratio(predict.rps, floor.rps)}× the floor. Not a target: it shows what those parts alone cost.`,
    '',
    '| target | this run | met |',
    '|---|---|---|',
  );
  for (const verdict of verdicts)
    lines.push(`| ${verdict.target} | ${verdict.value} | ${verdict.met ? 'yes' : 'no'} |`);
  return lines.join('\n');
}
