import type { V1Deployment, V1Pod, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { Cluster } from './cluster.js';
import { imageSourceNote } from './image-source.js';
import type { KubeObject } from './kube-object.js';
import { rollingCount, roomFor, roomNote } from './room.js';

/**
 * Said before applying: where the nodes get the image from, and whether the pods (and a rolling
 * update's extra ones) fit on the nodes.
 */
export async function preflight(
  cluster: Cluster,
  objects: readonly KubeObject[],
  before: V1Deployment | undefined,
): Promise<string[]> {
  const deployment = objects.find((object) => object.kind === 'Deployment') as V1Deployment | undefined;
  const spec = deployment?.spec?.template?.spec;
  if (!deployment || !spec) return [];
  const notes = spec.containers
    .map((container) => imageSourceNote(container.image ?? ''))
    .filter((note): note is string => note !== undefined);
  const listed = await cluster.listNodesAndPods();
  if (listed) {
    const hpa = objects.find((object) => object.kind === 'HorizontalPodAutoscaler') as
      V2HorizontalPodAutoscaler | undefined;
    const replicas = before?.spec?.replicas ?? deployment.spec?.replicas ?? hpa?.spec?.minReplicas ?? 1;
    const rolling = deployment.spec?.strategy?.rollingUpdate;
    const need = {
      spec,
      replicas,
      maxSurge: rollingCount(rolling?.maxSurge, replicas, 'up', 1),
      maxUnavailable: rollingCount(rolling?.maxUnavailable, replicas, 'down', 0),
      update: before !== undefined,
    };
    const selector = deployment.spec?.selector?.matchLabels ?? {};
    const isOwn = (pod: V1Pod) =>
      pod.metadata?.namespace === deployment.metadata?.namespace &&
      Object.entries(selector).every(([key, value]) => pod.metadata?.labels?.[key] === value);
    const note = roomNote(need, roomFor(need, listed.nodes, listed.pods, isOwn));
    if (note) notes.push(note);
  }
  return notes;
}
