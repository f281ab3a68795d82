import { existsSync, readFileSync } from 'node:fs';
import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import { defaultPrices, type PriceCatalogue } from './cost.js';
import { parsePrices } from './prices.js';
import { isTrafficFile, parseTraffic, parseTrafficCsv, type TrafficPattern } from './traffic-pattern.js';
import type { BenchResult } from './bench.js';

/** Reading `berth plan`'s inputs: files and flags to validated values, with errors that say which. */
export function loadTraffic(spec: string): TrafficPattern {
  if (!isTrafficFile(spec)) return parseTraffic(spec);
  if (!existsSync(spec)) throw errors.badTraffic(spec, 'no such file');
  return parseTrafficCsv(readFileSync(spec, 'utf8'), spec);
}

export function loadPrices(path: string | undefined): PriceCatalogue {
  if (path === undefined) return structuredClone(defaultPrices);
  if (!existsSync(path)) throw errors.badPrices(path, '(file)', 'does not exist');
  return parsePrices(readFileSync(path, 'utf8'), path);
}

export interface CapacitySource {
  rps: number;
  /** Where the number came from, for the report. */
  source: string;
  sloP99Ms?: number;
}

/**
 * Per-pod capacity: `--capacity` wins; else a `berth bench --json` result. A capacity search
 * measured at another SLO is re-read from its steps: the highest offered rate that completed
 * cleanly with p99 within the new SLO.
 */
export function resolveCapacity(options: { capacity?: number; fromBench?: string; sloP99Ms?: number }): CapacitySource {
  if (options.capacity !== undefined) {
    if (!(options.capacity > 0))
      throw errors.badPlanInput(
        '--capacity',
        `must be a number of requests/s per pod above 0, got ${options.capacity}`,
      );
    return {
      rps: options.capacity,
      source: '--capacity',
      ...(options.sloP99Ms !== undefined ? { sloP99Ms: options.sloP99Ms } : {}),
    };
  }
  const path = options.fromBench;
  if (path === undefined)
    throw errors.badPlanInput(
      '--capacity',
      'or --from-bench is required: the requests/s one pod serves within the SLO (measure it with `berth bench URL --find-capacity --json > bench.json`)',
    );
  if (!existsSync(path)) throw errors.badBenchResult(path, 'no such file');
  let result: BenchResult;
  try {
    result = JSON.parse(readFileSync(path, 'utf8')) as BenchResult;
  } catch (error) {
    throw errors.badBenchResult(path, `not JSON (${(error as Error).message})`);
  }
  if (result?.kind !== 'berth-bench') throw errors.badBenchResult(path, 'it has no "kind": "berth-bench"');
  const capacity = result.capacity;
  const ratio = defaults.plan.bench.capacity.minAchievedRatio;
  if (capacity && Array.isArray(capacity.steps)) {
    const slo = options.sloP99Ms ?? capacity.sloP99Ms;
    if (slo === capacity.sloP99Ms) return { rps: capacity.rps, source: `${path} (capacity search)`, sloP99Ms: slo };
    const clean = capacity.steps.filter(
      (s) =>
        s.errors === 0 && s.timeouts === 0 && s.non2xx === 0 && s.achieved >= s.rate * ratio && s.latencyMs.p99 <= slo,
    );
    if (clean.length === 0)
      throw errors.badBenchResult(
        path,
        `no step of its capacity search kept p99 within ${slo} ms; run the search again with --slo-p99 ${slo}ms`,
      );
    return {
      rps: Math.max(...clean.map((s) => s.rate)),
      source: `${path} (capacity search steps re-read at p99 ≤ ${slo} ms)`,
      sloP99Ms: slo,
    };
  }
  const run = result.run;
  if (
    run &&
    run.errors === 0 &&
    run.timeouts === 0 &&
    run.non2xx === 0 &&
    (options.sloP99Ms === undefined || run.latencyMs.p99 <= options.sloP99Ms)
  ) {
    return {
      rps: run.requests.perSecond,
      source: `${path} (one ${run.mode} run; a capacity search is more accurate)`,
      ...(options.sloP99Ms !== undefined ? { sloP99Ms: options.sloP99Ms } : {}),
    };
  }
  throw errors.badBenchResult(
    path,
    'it holds no capacity search and its run does not meet the SLO cleanly; run `berth bench --find-capacity`',
  );
}

/** Whole-number flags (`--min 2`) with a message naming the flag. */
export function positiveInteger(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1)
    throw errors.badPlanInput(flag, `must be a whole number ≥ 1, got ${value}`);
  return value;
}
