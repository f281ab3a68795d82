import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { defaults } from '../core/defaults.js';
import { objectMeta, type ManifestContext } from './context.js';
import { selectorLabels } from './labels.js';

/**
 * Voluntary disruptions (node drains, cluster upgrades) take at most one pod at a time
 * (https://kubernetes.io/docs/tasks/run-application/configure-pdb/). maxUnavailable rather than
 * minAvailable keeps working as the HPA changes the count, and never blocks a drain of a
 * one-replica service. unhealthyPodEvictionPolicy AlwaysAllow (GA in 1.31) lets a drain evict pods
 * that are crash-looping anyway instead of waiting on them.
 */
export function podDisruptionBudget(context: ManifestContext): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(context),
    spec: {
      maxUnavailable: defaults.deploy.pdbMaxUnavailable,
      selector: { matchLabels: selectorLabels(context.options.name) },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
