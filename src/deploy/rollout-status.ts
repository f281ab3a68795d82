import type { V1Deployment } from '@kubernetes/client-node';

/**
 * Whether a Deployment has finished rolling out, with the same rules and messages as
 * `kubectl rollout status` (kubectl polymorphichelpers/rollout_status.go; conditions:
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status):
 * the controller has seen the latest spec, every replica runs the new template, no old replica
 * is left, and every new replica is available. Pure.
 */
export interface RolloutStatus {
  done: boolean;
  /** The Progressing condition says ProgressDeadlineExceeded: the controller gave up. */
  failed: boolean;
  message: string;
  desired: number;
  updated: number;
  available: number;
  /** Pods of older revisions still running. */
  old: number;
}

export function rolloutStatus(deployment: V1Deployment): RolloutStatus {
  const name = deployment.metadata?.name ?? '?';
  const status = deployment.status ?? {};
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const counts = { desired, updated, available, old: Math.max(0, total - updated) };
  const waiting = (message: string): RolloutStatus => ({ done: false, failed: false, message, ...counts });
  if ((deployment.metadata?.generation ?? 0) > (status.observedGeneration ?? 0))
    return waiting('waiting for the deployment controller to observe the new spec');
  const progressing = status.conditions?.find((condition) => condition.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { done: false, failed: true, message: `deployment ${name} exceeded its progress deadline`, ...counts };
  }
  if (updated < desired) return waiting(`${updated} of ${desired} new replicas have been updated`);
  if (total > updated) return waiting(`${total - updated} old replicas are pending termination`);
  if (available < updated) return waiting(`${available} of ${updated} updated replicas are available`);
  return { done: true, failed: false, message: `deployment ${name} successfully rolled out`, ...counts };
}

/** The Deployment's current revision (the controller's annotation), or undefined before the first. */
export function deploymentRevision(
  object: { metadata?: { annotations?: Record<string, string> } } | undefined,
): number | undefined {
  const text = object?.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  const value = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
