import type { SimulationResult } from './hpa-simulator.js';

/**
 * The replica timeline in at most ~24 buckets (hourly over a day), for the text report and
 * plan.json: per bucket the peak offered load, the replica range and the minutes at risk.
 */
export interface TimelineBucket {
  startSeconds: number;
  seconds: number;
  peakOffered: number;
  minReplicas: number;
  maxReplicas: number;
  minutesAtRisk: number;
}

export function bucketSeconds(durationSeconds: number): number {
  for (const size of [60, 300, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400]) {
    if (durationSeconds / size <= 24) return size;
  }
  return 86_400 * Math.ceil(durationSeconds / (24 * 86_400));
}

export function timeline(result: SimulationResult): TimelineBucket[] {
  const step = result.stepSeconds;
  const size = bucketSeconds(result.summary.durationSeconds);
  const perBucket = Math.max(1, Math.round(size / step));
  const out: TimelineBucket[] = [];
  for (let start = 0; start < result.offered.length; start += perBucket) {
    const end = Math.min(result.offered.length, start + perBucket);
    let peakOffered = 0;
    let minReplicas = Number.POSITIVE_INFINITY;
    let maxReplicas = 0;
    const riskyMinutes = new Set<number>();
    for (let i = start; i < end; i += 1) {
      peakOffered = Math.max(peakOffered, result.offered[i]!);
      minReplicas = Math.min(minReplicas, result.replicas[i]!);
      maxReplicas = Math.max(maxReplicas, result.replicas[i]!);
      if (result.atRisk[i]) riskyMinutes.add(Math.floor((i * step) / 60));
    }
    out.push({
      startSeconds: start * step,
      seconds: (end - start) * step,
      peakOffered: Math.round(peakOffered * 10) / 10,
      minReplicas,
      maxReplicas,
      minutesAtRisk: riskyMinutes.size,
    });
  }
  return out;
}
