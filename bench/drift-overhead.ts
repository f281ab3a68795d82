/**
 * What drift monitoring costs: `observe()` per row (the only part on the request path) and
 * `report()` on a full 10 000-row window of 4 numeric features, unshifted and heavily shifted
 * (the exact KS p-value's cost grows with the statistic). Also `PayloadLogger.log()` per call.
 *
 *   node --import tsx bench/drift-overhead.ts [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriftDetector } from '../src/observe/drift/detector.js';
import { ks2Sample } from '../src/observe/drift/ks.js';
import { buildProfile } from '../src/observe/drift/profile.js';
import { seededRandom } from '../src/observe/drift/sample.js';
import { PayloadLogger } from '../src/observe/payload-log/payload-logger.js';

const features = ['f0', 'f1', 'f2', 'f3'];
const random = seededRandom(1);
const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const rows = (count: number, shift: number) =>
  Array.from({ length: count }, () => features.map(() => normal() + shift));

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median over `repeats` of the time for one call of `run`, in milliseconds. */
function time(run: () => void, repeats: number): number {
  for (let i = 0; i < Math.min(3, repeats); i++) run(); // warm-up: let the JIT compile
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const profile = buildProfile(rows(20_000, 0), { features });
const results: Record<string, number> = {};

// observe(): one request of 1 row, and a batch of 64 rows, into a full (wrapping) window.
const detector = new DriftDetector(profile, { windowRows: 10_000 });
const single = rows(1, 0);
const batch = rows(64, 0);
detector.observe(rows(10_000, 0), undefined, Date.now());
results.observe_1_row_us =
  (time(() => {
    for (let i = 0; i < 10_000; i++) detector.observe(single, undefined, 1e12);
  }, 20) /
    10_000) *
  1000;
results.observe_64_rows_per_row_us =
  (time(() => {
    for (let i = 0; i < 1000; i++) detector.observe(batch, undefined, 1e12);
  }, 20) /
    64_000) *
  1000;

// report(): 10k-row window × 4 features, same distribution and shifted by 1 sd.
for (const [label, shift] of [
  ['unshifted', 0],
  ['shifted_1sd', 1],
] as const) {
  const fresh = new DriftDetector(profile, { windowRows: 10_000 });
  fresh.observe(rows(10_000, shift), undefined, 1e12);
  results[`report_10k_x4_${label}_ms`] = time(() => fresh.report(1e12), 20);
}

// For comparison: the exact KS p-value on unequal samples (10 000 vs 5 000), which the detector avoids.
const a = Float64Array.from(rows(10_000, 0), (row) => row[0]!).sort();
const b = Float64Array.from(rows(5_000, 1), (row) => row[0]!).sort();
results.ks_exact_10000_vs_5000_shifted_ms = time(() => ks2Sample(a, b), 3);

// PayloadLogger.log(): the synchronous part (sampling, JSON, enqueue) for a small OIP request.
const dir = await mkdtemp(join(tmpdir(), 'berth-bench-'));
const logger = new PayloadLogger({
  dir,
  maxQueueBytes: 256 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxFileBytes: 64 * 1024 * 1024,
});
const entry = {
  requestId: 'r',
  model: 'iris',
  version: 1,
  request: { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2] }] },
  response: { outputs: [{ name: 'label', datatype: 'INT64', shape: [1], data: [0] }] },
};
results.payload_log_call_us =
  (time(() => {
    for (let i = 0; i < 10_000; i++) logger.log(entry);
  }, 5) /
    10_000) *
  1000;
await logger.close();
await rm(dir, { recursive: true, force: true });

if (process.argv.includes('--json')) console.log(JSON.stringify({ node: process.version, results }, null, 2));
else for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(40)} ${value.toFixed(3)}`);
