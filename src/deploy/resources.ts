import { defaults } from '../core/defaults.js';
import type { ModelFacts } from './model-facts.js';
import { mebibytes, roundUpMiB } from '../core/quantity.js';

/**
 * The memory limit Berth recommends: the measured peak RSS of the server under the largest
 * requests its settings allow, as many at once as its body budget admits (measure-model.ts),
 * times `marginFactor`, plus `headroomMiB` (sockets, TLS-less buffers, the metrics registry and
 * the drift window filling over time), rounded up. Without a limit one oversized batch can take
 * the node down; with one below the peak the kernel kills the container (OOMKilled) —
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
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
