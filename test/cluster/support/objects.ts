import type { V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import { bed, type Observation } from './testbed.js';

/**
 * Reads of live objects through @kubernetes/client-node, shaped for assertions and progress lines.
 * The Deployment controller records revisions in this annotation
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#checking-rollout-history-of-a-deployment).
 */
export const revisionKey = 'deployment.kubernetes.io/revision';

export function revisionOf(object: V1Deployment | V1ReplicaSet): number | undefined {
  const value = object.metadata?.annotations?.[revisionKey];
  return value === undefined ? undefined : Number(value);
}

export const readDeployment = (namespace: string, name: string) =>
  bed().apps.readNamespacedDeployment({ namespace, name });

export function imageOf(object: V1Deployment | V1ReplicaSet): string | undefined {
  return object.spec?.template?.spec?.containers[0]?.image;
}

/** `kubectl rollout status` done, with every replica available (and at least `atLeast` of them). */
export async function rolledOut(namespace: string, name: string, atLeast = 1): Promise<Observation> {
  const d = await readDeployment(namespace, name);
  const s = d.status ?? {};
  const want = d.spec?.replicas ?? 0;
  const done =
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    want >= atLeast &&
    s.updatedReplicas === want &&
    s.replicas === want &&
    s.availableReplicas === want;
  return {
    done,
    detail: `deployment ${name}: spec ${want}, updated ${s.updatedReplicas ?? 0}, total ${s.replicas ?? 0}, available ${s.availableReplicas ?? 0}, revision ${revisionOf(d) ?? '-'}`,
  };
}

/** Ready endpoints of a Service, from its EndpointSlices (discovery.k8s.io/v1). */
export async function readyEndpoints(namespace: string, service: string): Promise<string[]> {
  const slices = await bed().discovery.listNamespacedEndpointSlice({
    namespace,
    labelSelector: `kubernetes.io/service-name=${service}`,
  });
  return slices.items.flatMap((slice) =>
    (slice.endpoints ?? [])
      .filter((endpoint) => endpoint.conditions?.ready === true)
      .flatMap((endpoint) => endpoint.addresses),
  );
}

export interface ReplicaSetSummary {
  name: string;
  revision?: number;
  replicas: number;
  ready: number;
  image?: string;
  modelVersion?: string;
}

export async function replicaSets(namespace: string, instance: string): Promise<ReplicaSetSummary[]> {
  const list = await bed().apps.listNamespacedReplicaSet({
    namespace,
    labelSelector: `app.kubernetes.io/instance=${instance}`,
  });
  return list.items
    .map((rs) => ({
      name: rs.metadata!.name!,
      revision: revisionOf(rs),
      replicas: rs.spec?.replicas ?? 0,
      ready: rs.status?.readyReplicas ?? 0,
      image: imageOf(rs),
      modelVersion: rs.spec?.template?.metadata?.labels?.['berth.dev/model-version'],
    }))
    .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
}

export function describeReplicaSets(list: readonly ReplicaSetSummary[]): string {
  return list.map((rs) => `rev ${rs.revision}: ${rs.name} ${rs.ready}/${rs.replicas} ${rs.image}`).join('; ');
}
