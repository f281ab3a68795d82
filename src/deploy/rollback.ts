import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { errors } from '../core/errors.js';
import { labelSelector, type Cluster } from './cluster.js';
import { annotationKeys } from './labels.js';
import { deploymentRevision } from './rollout-status.js';

/**
 * `kubectl rollout undo` (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-back-a-deployment):
 * the Deployment controller keeps each revision's pod template in a ReplicaSet annotated with
 * `deployment.kubernetes.io/revision`. Rolling back writes the previous revision's template back
 * into the Deployment; the controller then rolls out to it as revision N+1. Pure parts first.
 */
export interface RollbackTarget {
  revision: number;
  template: V1PodTemplateSpec;
  changeCause?: string;
}

/** The ReplicaSets the Deployment owns (controller reference), not merely matching labels. */
export function ownedReplicaSets(deployment: V1Deployment, replicaSets: readonly V1ReplicaSet[]): V1ReplicaSet[] {
  const uid = deployment.metadata?.uid;
  return replicaSets.filter((rs) =>
    rs.metadata?.ownerReferences?.some(
      (owner) => owner.controller && owner.kind === 'Deployment' && (!uid || owner.uid === uid),
    ),
  );
}

/**
 * The highest revision below the current one, as kubectl's default `--to-revision=0`, except
 * revisions whose rollout Berth saw fail (annotated on their ReplicaSet by `berth deploy`).
 */
export function previousRevision(
  deployment: V1Deployment,
  replicaSets: readonly V1ReplicaSet[],
): RollbackTarget | undefined {
  const owned = ownedReplicaSets(deployment, replicaSets);
  const current = deploymentRevision(deployment) ?? Math.max(0, ...owned.map((rs) => deploymentRevision(rs) ?? 0));
  let best: V1ReplicaSet | undefined;
  for (const rs of owned) {
    const revision = deploymentRevision(rs);
    if (
      revision === undefined ||
      revision >= current ||
      rs.metadata?.annotations?.[annotationKeys.failedRollout] !== undefined
    )
      continue;
    if (!best || revision > deploymentRevision(best)!) best = rs;
  }
  if (!best?.spec?.template) return undefined;
  return {
    revision: deploymentRevision(best)!,
    template: templateWithoutHash(best.spec.template),
    changeCause: best.metadata?.annotations?.[annotationKeys.changeCause],
  };
}

/** The ReplicaSet controller adds pod-template-hash; the Deployment's template must not carry it. */
export function templateWithoutHash(template: V1PodTemplateSpec): V1PodTemplateSpec {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return copy;
}

export interface RollbackResult {
  namespace: string;
  name: string;
  /** The revision whose template was restored. */
  toRevision: number;
  fromRevision?: number;
  /** True when the Deployment already runs that template (nothing was changed). */
  skipped: boolean;
}

export async function rollbackDeployment(cluster: Cluster, namespace: string, name: string): Promise<RollbackResult> {
  const deployment = await cluster.getDeployment(namespace, name);
  if (!deployment) throw errors.deploymentNotFound(namespace, name);
  const replicaSets = await cluster.listReplicaSets(
    namespace,
    labelSelector(deployment.spec?.selector?.matchLabels ?? {}),
  );
  const target = previousRevision(deployment, replicaSets);
  if (!target) throw errors.noPreviousRevision(namespace, name);
  const fromRevision = deploymentRevision(deployment);
  if (sameTemplate(target.template, deployment.spec?.template))
    return { namespace, name, toRevision: target.revision, fromRevision, skipped: true };
  await cluster.replaceTemplate(
    namespace,
    name,
    target.template,
    target.changeCause ? { [annotationKeys.changeCause]: target.changeCause } : {},
  );
  return { namespace, name, toRevision: target.revision, fromRevision, skipped: false };
}

/**
 * Marks the ReplicaSet of a revision whose rollout failed with the reason, or (reason undefined)
 * clears the mark of one that has now rolled out, e.g. the same template deployed again with room
 * for it. Best effort: the rollout's report matters more.
 */
export async function markRevision(
  cluster: Cluster,
  namespace: string,
  name: string,
  revision: number | undefined,
  reason: string | undefined,
): Promise<void> {
  if (revision === undefined) return;
  const deployment = await cluster.getDeployment(namespace, name);
  if (!deployment) return;
  const replicaSets = await cluster.listReplicaSets(
    namespace,
    labelSelector(deployment.spec?.selector?.matchLabels ?? {}),
  );
  const target = ownedReplicaSets(deployment, replicaSets).find((rs) => deploymentRevision(rs) === revision);
  const marked = target?.metadata?.annotations?.[annotationKeys.failedRollout] !== undefined;
  if (!target?.metadata?.name || (reason === undefined && !marked)) return;
  await cluster.annotateReplicaSet(namespace, target.metadata.name, {
    [annotationKeys.failedRollout]: reason === undefined ? null : reason.slice(0, 1000),
  });
}

function sameTemplate(a: V1PodTemplateSpec, b: V1PodTemplateSpec | undefined): boolean {
  return b !== undefined && canonical(a) === canonical(templateWithoutHash(b));
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([x], [y]) => x.localeCompare(y)))
      : item,
  );
}
