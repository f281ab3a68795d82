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
import type { Cluster } from '../../../src/deploy/cluster.js';
import type { KubeObject } from '../../../src/deploy/kube-object.js';

/**
 * A Cluster that plays back recorded object sequences: each poll of the Deployment (and of its
 * pods) returns the next recorded state, the last one repeating. Writes are recorded.
 */
export interface Recording {
  deployments: Array<V1Deployment | undefined>;
  pods?: V1Pod[][];
  events?: CoreV1Event[];
  replicaSets?: V1ReplicaSet[];
  hpa?: V2HorizontalPodAutoscaler;
  service?: V1Service;
  /** EndpointSlices per poll; by default the ready pods of the last pod list are ready endpoints. */
  endpointSlices?: V1EndpointSlice[][];
  /** What listNodesAndPods returns (undefined: not allowed, as under a namespaced role). */
  room?: { nodes: V1Node[]; pods: V1Pod[] };
  /** States played after a rollback (replaceTemplate). */
  afterRollback?: { deployments: V1Deployment[]; pods?: V1Pod[][] };
}

export interface FakeCluster extends Cluster {
  applied: Array<{ object: KubeObject; dryRun: boolean }>;
  rollbacks: Array<{ template: V1PodTemplateSpec; annotations: Record<string, string> }>;
  annotated: Array<{ name: string; annotations: Record<string, string | null> }>;
}

export function fakeCluster(recording: Recording): FakeCluster {
  let deployments = recording.deployments;
  let pods = recording.pods ?? [[]];
  let deploymentCalls = 0;
  let podCalls = 0;
  let sliceCalls = 0;
  let lastPods: V1Pod[] = [];
  const at = <T>(list: T[], index: number): T => list[Math.min(index, list.length - 1)]!;
  const cluster: FakeCluster = {
    defaultNamespace: 'default',
    applied: [],
    rollbacks: [],
    annotated: [],
    async apply(object, { dryRun }) {
      cluster.applied.push({ object, dryRun });
      return object;
    },
    async getDeployment() {
      return structuredClone(at(deployments, deploymentCalls++));
    },
    async listReplicaSets() {
      return structuredClone(recording.replicaSets ?? []);
    },
    async listPods() {
      lastPods = at(pods, podCalls++);
      return structuredClone(lastPods);
    },
    async listPodEvents() {
      return structuredClone(recording.events ?? []);
    },
    async getHorizontalPodAutoscaler() {
      return recording.hpa;
    },
    async annotateReplicaSet(_namespace, name, annotations) {
      cluster.annotated.push({ name, annotations });
    },
    async getService() {
      return recording.service;
    },
    async listEndpointSlices() {
      if (recording.endpointSlices) return structuredClone(at(recording.endpointSlices, sliceCalls++));
      return [
        endpointSlice(
          lastPods
            .filter((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
            .map((pod) => pod.metadata!.name!),
        ),
      ];
    },
    async listNodesAndPods() {
      return structuredClone(recording.room);
    },
    async replaceTemplate(_namespace, _name, template, annotations) {
      cluster.rollbacks.push({ template, annotations });
      if (recording.afterRollback) {
        deployments = recording.afterRollback.deployments;
        pods = recording.afterRollback.pods ?? [[]];
        deploymentCalls = 0;
        podCalls = 0;
      }
      return at(deployments, 0)!;
    },
  };
  return cluster;
}

/** One EndpointSlice with a ready endpoint per named pod (and not-ready ones for `notReady`). */
export function endpointSlice(ready: string[], notReady: string[] = []): V1EndpointSlice {
  const endpoint = (name: string, isReady: boolean, index: number) => ({
    addresses: [`10.244.0.${index + 10}`],
    conditions: { ready: isReady },
    targetRef: { kind: 'Pod', name },
  });
  return {
    addressType: 'IPv4',
    metadata: { name: 'iris-abcde', labels: { 'kubernetes.io/service-name': 'iris' } },
    endpoints: [
      ...ready.map((name, index) => endpoint(name, true, index)),
      ...notReady.map((name, index) => endpoint(name, false, index + ready.length)),
    ],
  };
}

/** A fake clock: sleep advances it, so waits finish instantly. */
export function fakeClock() {
  let time = 0;
  return { now: () => time, sleep: async (ms: number) => void (time += ms) };
}

export const template = (image: string, hash?: string): V1PodTemplateSpec => ({
  metadata: {
    labels: {
      'app.kubernetes.io/name': 'iris',
      'app.kubernetes.io/instance': 'iris',
      ...(hash ? { 'pod-template-hash': hash } : {}),
    },
  },
  spec: { containers: [{ name: 'server', image, resources: { limits: { memory: '256Mi' } } }] },
});

export function deploymentState(state: {
  generation?: number;
  observed?: number;
  replicas?: number;
  updated?: number;
  total?: number;
  available?: number;
  ready?: number;
  revision?: number;
  image?: string;
  progressDeadline?: boolean;
}): V1Deployment {
  const replicas = state.replicas ?? 3;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'iris',
      namespace: 'default',
      uid: 'dep-uid',
      generation: state.generation ?? 2,
      annotations: state.revision ? { 'deployment.kubernetes.io/revision': String(state.revision) } : {},
    },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'iris', 'app.kubernetes.io/instance': 'iris' } },
      template: template(state.image ?? 'iris:2-bbbb'),
    },
    status: {
      observedGeneration: state.observed ?? state.generation ?? 2,
      replicas: state.total ?? replicas,
      updatedReplicas: state.updated ?? replicas,
      availableReplicas: state.available ?? replicas,
      readyReplicas: state.ready ?? state.available ?? replicas,
      conditions: state.progressDeadline
        ? [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "iris-abc" has timed out progressing.',
            },
          ]
        : [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }],
    },
  };
}

export function replicaSet(revision: number, image: string, hash: string, changeCause?: string): V1ReplicaSet {
  return {
    metadata: {
      name: `iris-${hash}`,
      annotations: {
        'deployment.kubernetes.io/revision': String(revision),
        ...(changeCause ? { 'kubernetes.io/change-cause': changeCause } : {}),
      },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'iris', uid: 'dep-uid', controller: true }],
    },
    spec: { selector: { matchLabels: {} }, template: template(image, hash) },
  };
}

type ContainerState = NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number];

export function pod(
  name: string,
  options: {
    hash?: string;
    phase?: string;
    ready?: boolean;
    started?: boolean;
    container?: Partial<ContainerState>;
    unschedulable?: string;
    created?: string;
  } = {},
): V1Pod {
  return {
    metadata: {
      name,
      labels: {
        'app.kubernetes.io/name': 'iris',
        'app.kubernetes.io/instance': 'iris',
        'pod-template-hash': options.hash ?? 'new',
      },
      creationTimestamp: new Date(options.created ?? '2026-01-01T00:00:10Z'),
    },
    spec: { containers: [{ name: 'server', image: 'iris:3-cccc', resources: { limits: { memory: '256Mi' } } }] },
    status: {
      phase: options.phase ?? 'Running',
      conditions: [
        options.unschedulable
          ? { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: options.unschedulable }
          : { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: options.ready ? 'True' : 'False' },
      ],
      containerStatuses: options.unschedulable
        ? undefined
        : [
            {
              name: 'server',
              image: 'iris:3-cccc',
              imageID: '',
              ready: options.ready ?? false,
              restartCount: 0,
              started: options.started,
              ...options.container,
            },
          ],
    },
  };
}
