import { defaults } from '../core/defaults.js';
import type { ModelFacts } from './model-facts.js';
import { mebibytes, roundUpMiB } from './quantity.js';

/**
 * The memory limit Berth recommends: the measured peak RSS of a process that loaded the model and
 * ran one full batch, times a margin, plus headroom for request buffers, rounded up. Without a
 * limit one oversized batch can take the node down; with one below the peak the kernel kills the
 * container (OOMKilled) — https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
 */
export interface MemoryRecommendation {
  limitMiB: number;
  peakMiB: number;
  /** True when the peak was not measured or given and the default was assumed. */
  assumed: boolean;
}

export function recommendedMemoryMiB(facts: ModelFacts): MemoryRecommendation {
  const m = defaults.deploy.memory;
  const assumed = facts.peakRssBytes === undefined;
  const peakMiB = assumed ? m.assumedPeakRssMiB : mebibytes(facts.peakRssBytes!);
  const limitMiB = Math.max(m.floorMiB, roundUpMiB(peakMiB * m.marginFactor + m.headroomMiB, m.roundMiB));
  return { limitMiB, peakMiB: Math.ceil(peakMiB), assumed };
}
