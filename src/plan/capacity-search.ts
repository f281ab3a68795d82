import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import { runLoadTest, type LoadTestOptions, type LoadTestResult } from './load-test.js';

/**
 * `berth bench --find-capacity`: the highest offered rate one server (one pod) sustains with p99
 * within the SLO and no errors, timeouts or non-2xx answers — the per-pod capacity `berth plan`
 * works from.
 *
 * 1. A closed-loop probe at `connections` finds the ceiling: the server's throughput when pushed.
 * 2. The ceiling itself is tried at a fixed rate; if it passes it is the capacity.
 * 3. Otherwise a binary search over (0, ceiling) at fixed rates, `iterations` steps: a passing
 *    rate raises the lower bound, a failing one lowers the upper bound. The answer is the highest
 *    rate that passed, within ceiling / 2^iterations of the true limit.
 * A step passes when p99 ≤ SLO, nothing failed, and at least `minAchievedRatio` of the offered
 * rate completed (autocannon cannot send while a connection waits, so a saturated server shows up
 * as a shortfall, not only as latency).
 */
export interface CapacityOptions {
  request: Omit<LoadTestOptions, 'rate' | 'durationSeconds' | 'connections' | 'onProgress'>;
  sloP99Ms?: number;
  connections?: number;
  probeSeconds?: number;
  stepSeconds?: number;
  iterations?: number;
  minAchievedRatio?: number;
  maxConnections?: number;
  onPhase?: (phase: { label: string; index: number; total: number }) => void;
  onProgress?: LoadTestOptions['onProgress'];
}

export interface CapacityStep {
  rate: number;
  connections: number;
  achieved: number;
  latencyMs: LoadTestResult['latencyMs'];
  errors: number;
  timeouts: number;
  non2xx: number;
  pass: boolean;
  /** Why a step failed. */
  why?: string;
}

export interface CapacityResult {
  /** Requests/s per server within the SLO. */
  rps: number;
  sloP99Ms: number;
  ceilingRps: number;
  /** True when even the ceiling passed: the capacity is at least this (raise --connections). */
  atCeiling: boolean;
  probe: LoadTestResult;
  steps: CapacityStep[];
}

export function judgeStep(
  result: LoadTestResult,
  rate: number,
  sloP99Ms: number,
  minAchievedRatio: number,
): CapacityStep {
  const reasons: string[] = [];
  if (result.errors > 0) reasons.push(`${result.errors} errors`);
  if (result.timeouts > 0) reasons.push(`${result.timeouts} timeouts`);
  if (result.non2xx > 0) reasons.push(`${result.non2xx} non-2xx`);
  if (result.latencyMs.p99 > sloP99Ms) reasons.push(`p99 ${result.latencyMs.p99} ms > ${sloP99Ms} ms`);
  if (result.requests.perSecond < rate * minAchievedRatio)
    reasons.push(`achieved ${result.requests.perSecond} of ${rate} req/s`);
  return {
    rate,
    connections: result.connections,
    achieved: result.requests.perSecond,
    latencyMs: result.latencyMs,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    pass: reasons.length === 0,
    ...(reasons.length > 0 ? { why: reasons.join(', ') } : {}),
  };
}

export async function findCapacity(
  options: CapacityOptions,
  run: (options: LoadTestOptions) => Promise<LoadTestResult> = runLoadTest,
): Promise<CapacityResult> {
  const c = defaults.plan.bench.capacity;
  const slo = options.sloP99Ms ?? c.sloP99Ms;
  const iterations = options.iterations ?? c.iterations;
  const ratio = options.minAchievedRatio ?? c.minAchievedRatio;
  const baseConnections = options.connections ?? defaults.plan.bench.connections;
  const maxConnections = options.maxConnections ?? c.maxConnections;
  const total = iterations + 2;
  // Enough connections that each sends its share of a second's quota well within the SLO
  // (Little's law with a factor of 2), never fewer than the probe used.
  const connectionsFor = (rate: number) =>
    Math.min(maxConnections, Math.max(baseConnections, Math.ceil((2 * rate * slo) / 1000)));

  options.onPhase?.({ label: `probe: closed loop, ${baseConnections} connections`, index: 1, total });
  const probe = await run({
    ...options.request,
    connections: baseConnections,
    durationSeconds: options.probeSeconds ?? c.probeSeconds,
    onProgress: options.onProgress,
  });
  if (probe.requests.completed === 0 || probe.non2xx === probe.requests.completed) {
    throw errors.noCapacity(
      slo,
      `the probe completed ${probe.requests.completed} requests, ${probe.non2xx} non-2xx, ${probe.errors} errors`,
    );
  }
  const ceiling = Math.max(1, Math.floor(probe.requests.perSecond));
  const steps: CapacityStep[] = [];
  const tryRate = async (rate: number, index: number) => {
    options.onPhase?.({ label: `step ${index - 1}/${total - 1}: ${rate} req/s`, index, total });
    const result = await run({
      ...options.request,
      rate,
      connections: connectionsFor(rate),
      durationSeconds: options.stepSeconds ?? c.stepSeconds,
      onProgress: options.onProgress,
    });
    const step = judgeStep(result, rate, slo, ratio);
    steps.push(step);
    return step;
  };

  const first = await tryRate(ceiling, 2);
  if (first.pass) return { rps: ceiling, sloP99Ms: slo, ceilingRps: ceiling, atCeiling: true, probe, steps };
  let lo = 0;
  let hi = ceiling;
  for (let i = 0; i < iterations; i += 1) {
    const mid = Math.round((lo + hi) / 2);
    if (mid <= lo || mid >= hi) break;
    const step = await tryRate(mid, i + 3);
    if (step.pass) lo = mid;
    else hi = mid;
  }
  if (lo === 0)
    throw errors.noCapacity(slo, `the lowest rate tried, ${steps.at(-1)!.rate} req/s, failed: ${steps.at(-1)!.why}`);
  return { rps: lo, sloP99Ms: slo, ceilingRps: ceiling, atCeiling: false, probe, steps };
}
