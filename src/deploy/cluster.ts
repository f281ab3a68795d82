import type {
  CoreV1Event,
  V1Deployment,
  V1EndpointSlice,
  V1Node,
  V1Pod,
  V1PodTemplateSpec,
  V1ReplicaSet,
  V1Service,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type { KubeObject } from './kube-object.js';

/**
 * The few Kubernetes calls `deploy`, `rollback` and `status` make. kube-cluster.ts implements it
 * with @kubernetes/client-node; unit tests implement it with recorded object sequences, so the
 * waiting, reason and rollback logic is tested without a cluster.
 */
export interface Cluster {
  /** The namespace of the kubeconfig's current context (`default` when it names none). */
  readonly defaultNamespace: string;
  /**
   * Server-side apply with field manager `berth` and force (see kube-cluster.ts for the conflict
   * policy). `dryRun` = the API server validates and admits but stores nothing (dryRun=All).
   */
  apply(object: KubeObject, options: { dryRun: boolean }): Promise<KubeObject>;
  getDeployment(namespace: string, name: string): Promise<V1Deployment | undefined>;
  /** ReplicaSets matching a label selector (`a=b,c=d`). */
  listReplicaSets(namespace: string, labelSelector: string): Promise<V1ReplicaSet[]>;
  listPods(namespace: string, labelSelector: string): Promise<V1Pod[]>;
  /** Events about pods in the namespace (probe failures, FailedScheduling…), newest last. */
  listPodEvents(namespace: string): Promise<CoreV1Event[]>;
  getHorizontalPodAutoscaler(namespace: string, name: string): Promise<V2HorizontalPodAutoscaler | undefined>;
  getService(namespace: string, name: string): Promise<V1Service | undefined>;
  /** The Service's EndpointSlices (label kubernetes.io/service-name): which pods receive traffic. */
  listEndpointSlices(namespace: string, service: string): Promise<V1EndpointSlice[]>;
  /**
   * Nodes and the pods holding room on them (every namespace, not finished), for the room check
   * before a deploy; undefined where RBAC does not allow the cluster-wide reads.
   */
  listNodesAndPods(): Promise<{ nodes: V1Node[]; pods: V1Pod[] } | undefined>;
  /** Sets annotations on a ReplicaSet; null removes one (JSON merge patch). */
  annotateReplicaSet(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void>;
  /** Replaces the pod template (and optionally sets annotations) as `kubectl rollout undo` does. */
  replaceTemplate(
    namespace: string,
    name: string,
    template: V1PodTemplateSpec,
    annotations: Record<string, string>,
  ): Promise<V1Deployment>;
}

/** `a=b,c=d` from matchLabels. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
