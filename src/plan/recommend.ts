import { defaults } from '../core/defaults.js';
import { hpaSpec, type HpaSpecOverrides } from './hpa-spec.js';
import { simulateHpa, type SimulationInput, type SimulationSummary } from './hpa-simulator.js';
import { podsForPeak } from './cost.js';

/**
 * Recommends HPA min, max and target utilisation for a traffic pattern: the cheapest setting
 * (fewest pod-hours) whose simulation keeps the SLO-at-risk minutes within the allowance (0 by
 * default).
 *
 * Search, for each target utilisation in `targets`:
 * 1. with max = the pods the HPA would want at the peak (ceil(peak / (capacity × target))), min is
 *    binary-searched between the floor (2: one pod can be lost or drained) and ceil(peak /
 *    capacity), where the HPA never needs to react and no minute is at risk. Minutes at risk fall
 *    as min rises, so the smallest passing min is the cheapest;
 * 2. with that min, max is binary-searched down to ceil(peak / capacity), the fewest pods that
 *    serve the peak: a lower max saves the pods the target's headroom would add at the peak.
 * About 2 × 6 × log2(pods) simulations. The max found leaves no headroom above the forecast peak;
 * raise it for traffic the forecast does not show.
 */
export interface RecommendInput extends Omit<SimulationInput, 'hpa' | 'initialReplicas'> {
  peak: number;
  /** Behaviour/tolerance settings kept fixed while min/max/target are searched. */
  base?: HpaSpecOverrides;
  targets?: readonly number[];
  minReplicasFloor?: number;
  allowedMinutesAtRisk?: number;
}

export interface Candidate {
  minReplicas: number;
  maxReplicas: number;
  targetUtilization: number;
  summary: SimulationSummary;
}

export interface Recommendation extends Candidate {
  /** The best candidate per target, for the report. */
  candidates: Candidate[];
  why: string;
}

export function recommendHpa(input: RecommendInput): Recommendation {
  const r = defaults.plan.recommend;
  const targets = input.targets ?? r.targets;
  const floor = input.minReplicasFloor ?? r.minReplicasFloor;
  const allowed = input.allowedMinutesAtRisk ?? r.allowedMinutesAtRisk;
  const evaluate = (minReplicas: number, maxReplicas: number, targetUtilization: number): Candidate => {
    const hpa = hpaSpec({ ...input.base, minReplicas, maxReplicas, targetUtilization });
    return { minReplicas, maxReplicas, targetUtilization, summary: simulateHpa({ ...input, hpa }).summary };
  };
  const passes = (candidate: Candidate) => candidate.summary.minutesAtRisk <= allowed;
  const coverPeak = Math.max(floor, podsForPeak(input.peak, input.capacityPerPod));

  const candidates: Candidate[] = [];
  for (const target of targets) {
    const max = Math.max(coverPeak, Math.ceil(input.peak / (input.capacityPerPod * (target / 100)) - 1e-9));
    let lo = floor;
    let hi = coverPeak;
    let best = evaluate(hi, max, target);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const trial = evaluate(mid, max, target);
      if (passes(trial)) {
        best = trial;
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    // Then the fewest max replicas that still pass: at least the pods that serve the peak, and
    // no more than the HPA would want there at this target.
    let maxLo = Math.max(best.minReplicas, coverPeak);
    let maxHi = max;
    while (maxLo < maxHi) {
      const mid = Math.floor((maxLo + maxHi) / 2);
      const trial = evaluate(best.minReplicas, mid, target);
      if (passes(trial)) {
        best = trial;
        maxHi = mid;
      } else {
        maxLo = mid + 1;
      }
    }
    candidates.push(best);
  }
  const ranked = [...candidates].sort(
    (a, b) =>
      Number(passes(b)) - Number(passes(a)) ||
      a.summary.podHours - b.summary.podHours ||
      a.summary.minutesAtRisk - b.summary.minutesAtRisk ||
      b.targetUtilization - a.targetUtilization,
  );
  const chosen = ranked[0]!;
  let why = passes(chosen)
    ? `cheapest setting with ${chosen.summary.minutesAtRisk} minute(s) at risk (allowed ${allowed}) among targets ${targets.join(', ')}%`
    : `no setting met ${allowed} minute(s) at risk; this one has the fewest`;
  if (chosen.minReplicas === chosen.maxReplicas) {
    why += `; min = max: load rises faster than new pods start, so only pods already running can take it (allow some minutes at risk, or shorten the start-up, for an HPA that scales)`;
  }
  return { ...chosen, candidates, why };
}
