import type { V1Node, V1Pod, V1PodSpec, V1Toleration } from '@kubernetes/client-node';
import { parseQuantity } from '../core/quantity.js';

/**
 * Will the pods fit? The scheduler places a pod only on a node whose allocatable CPU and memory,
 * minus the requests of the pods already there, cover its requests
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/#kube-scheduler-implementation).
 * A rolling update needs room for maxSurge extra pods next to the old ones; with maxUnavailable 0
 * no old pod leaves before a new one is Ready, so a surge pod that cannot fit stalls the rollout
 * for good. This counts how many of the Deployment's pods the nodes can hold. Pure.
 */
export interface RoomNeed {
  spec: V1PodSpec;
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  /** An update (the Deployment exists): old and new pods run side by side. */
  update: boolean;
}

export interface Room {
  /** Pods of this Deployment the nodes can hold, its own current pods' room included. */
  fits: number;
  cpu: string;
  memory: string;
}

export function roomFor(
  need: RoomNeed,
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  isOwn: (pod: V1Pod) => boolean,
): Room {
  const cpu = sumRequests(need.spec, 'cpu');
  const memory = sumRequests(need.spec, 'memory');
  let fits = 0;
  for (const node of nodes) {
    if (!usable(node, need.spec.tolerations ?? [])) continue;
    const name = node.metadata?.name;
    const others = pods.filter((pod) => pod.spec?.nodeName === name && !isOwn(pod) && !finished(pod));
    const freeCpu =
      quantity(node.status?.allocatable?.cpu) - others.reduce((sum, pod) => sum + sumRequests(pod.spec, 'cpu'), 0);
    const freeMemory =
      quantity(node.status?.allocatable?.memory) -
      others.reduce((sum, pod) => sum + sumRequests(pod.spec, 'memory'), 0);
    fits += Math.max(
      0,
      Math.min(
        cpu > 0 ? Math.floor(freeCpu / cpu + 1e-9) : Infinity,
        memory > 0 ? Math.floor(freeMemory / memory) : Infinity,
      ),
    );
  }
  return { fits, cpu: text(need.spec, 'cpu'), memory: text(need.spec, 'memory') };
}

/** What to tell the user before the deploy, or undefined when everything fits. */
export function roomNote(need: RoomNeed, room: Room): string | undefined {
  const each = `${room.cpu} CPU and ${room.memory} memory each`;
  if (room.fits < need.replicas) {
    return `the nodes have room for ${room.fits} of the ${need.replicas} pods (${each}): ${need.replicas - room.fits} will wait (Pending) until room frees up; lower the requests (--cpu/--memory) or the replicas (--min/--replicas), or add nodes`;
  }
  if (need.update && room.fits < need.replicas + need.maxSurge) {
    return need.maxUnavailable === 0
      ? `the nodes have room for ${room.fits} pods (${each}), but the rolling update starts ${need.maxSurge} new pod(s) next to the ${need.replicas} old ones and, with maxUnavailable 0, stops none before a new one is Ready: it will wait for room that never comes; use --max-surge 0 --max-unavailable 1 to replace pods one by one, or lower the requests`
      : `the nodes have room for ${room.fits} pods (${each}): the rolling update replaces old pods first (maxUnavailable ${need.maxUnavailable}) and its extra pods wait for room`;
  }
  return undefined;
}

/** maxSurge / maxUnavailable as counts: a percentage of the replicas, rounded as the Deployment controller does (surge up, unavailable down). */
export function rollingCount(
  value: number | string | undefined,
  replicas: number,
  round: 'up' | 'down',
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  const percent = /^([0-9]+)%$/.exec(value);
  if (!percent) return Number(value) || 0;
  const exact = (replicas * Number(percent[1])) / 100;
  return round === 'up' ? Math.ceil(exact) : Math.floor(exact);
}

function usable(node: V1Node, tolerations: readonly V1Toleration[]): boolean {
  if (node.spec?.unschedulable) return false;
  if (node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status !== 'True') return false;
  return (node.spec?.taints ?? []).every(
    (taint) =>
      taint.effect === 'PreferNoSchedule' ||
      tolerations.some(
        (toleration) =>
          (toleration.effect === undefined || toleration.effect === taint.effect) &&
          (toleration.operator === 'Exists'
            ? toleration.key === undefined || toleration.key === taint.key
            : toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '')),
      ),
  );
}

const finished = (pod: V1Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const quantity = (value: string | undefined) => (value === undefined ? 0 : (parseQuantity(value) ?? 0));

function sumRequests(spec: V1PodSpec | undefined, resource: 'cpu' | 'memory'): number {
  return (spec?.containers ?? []).reduce(
    (sum, container) => sum + quantity(container.resources?.requests?.[resource]),
    0,
  );
}

function text(spec: V1PodSpec, resource: 'cpu' | 'memory'): string {
  const values = spec.containers.map((container) => container.resources?.requests?.[resource]).filter(Boolean);
  return values.length === 1 ? values[0]! : values.length === 0 ? 'no request' : `${sumRequests(spec, resource)}`;
}
