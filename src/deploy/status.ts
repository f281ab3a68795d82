import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { errors } from '../core/errors.js';
import { labelSelector, type Cluster } from './cluster.js';
import { annotationKeys, labelKeys } from './labels.js';
import { podProblems, type PodProblem } from './pod-problems.js';
import { deploymentRevision, rolloutStatus } from './rollout-status.js';

export interface DeploymentSummary {
  namespace: string;
  name: string;
  image?: string;
  model?: string;
  modelVersion?: string;
  modelSha256?: string;
  revision?: number;
  replicas: { desired: number; updated: number; ready: number; available: number };
  rollout: string;
  hpa?: HpaSummary;
  problems: PodProblem[];
}

export interface HpaSummary {
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  /** Current average CPU utilisation, % of the request; undefined = metrics unavailable. */
  currentCpu?: number;
  targetCpu?: number;
  /** e.g. `ScalingActive=False: FailedGetResourceMetric` (no metrics-server). */
  note?: string;
}

/** What `berth status` shows: replicas, rollout, HPA state, image and model version. */
export async function deploymentStatus(cluster: Cluster, namespace: string, name: string): Promise<DeploymentSummary> {
  const deployment = await cluster.getDeployment(namespace, name);
  if (!deployment) throw errors.deploymentNotFound(namespace, name);
  const template = deployment.spec?.template;
  const pods = await cluster.listPods(namespace, labelSelector(deployment.spec?.selector?.matchLabels ?? {}));
  const problems = podProblems(pods, problemsNeedEvents(pods) ? await cluster.listPodEvents(namespace) : []);
  const status = deployment.status ?? {};
  const hpa = await cluster.getHorizontalPodAutoscaler(namespace, name);
  return {
    namespace,
    name,
    image: template?.spec?.containers[0]?.image,
    model: template?.metadata?.labels?.[labelKeys.model],
    modelVersion: template?.metadata?.labels?.[labelKeys.modelVersion],
    modelSha256: template?.metadata?.annotations?.[annotationKeys.modelSha256],
    revision: deploymentRevision(deployment),
    replicas: {
      desired: deployment.spec?.replicas ?? 1,
      updated: status.updatedReplicas ?? 0,
      ready: status.readyReplicas ?? 0,
      available: status.availableReplicas ?? 0,
    },
    rollout: rolloutStatus(deployment).message,
    hpa: hpa ? summarizeHpa(hpa) : undefined,
    problems,
  };
}

function problemsNeedEvents(pods: readonly { status?: { phase?: string } }[]): boolean {
  return pods.some((pod) => pod.status?.phase !== 'Succeeded');
}

export function summarizeHpa(hpa: V2HorizontalPodAutoscaler): HpaSummary {
  const target = hpa.spec?.metrics?.find((metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu');
  const current = hpa.status?.currentMetrics?.find(
    (metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu',
  );
  const inactive = hpa.status?.conditions?.find(
    (condition) =>
      condition.status === 'False' && (condition.type === 'ScalingActive' || condition.type === 'AbleToScale'),
  );
  return {
    minReplicas: hpa.spec?.minReplicas ?? 1,
    maxReplicas: hpa.spec?.maxReplicas ?? 0,
    currentReplicas: hpa.status?.currentReplicas ?? 0,
    desiredReplicas: hpa.status?.desiredReplicas ?? 0,
    currentCpu: current?.resource?.current?.averageUtilization,
    targetCpu: target?.resource?.target?.averageUtilization,
    note: inactive
      ? `${inactive.type}=False: ${inactive.reason ?? ''}${inactive.reason === 'FailedGetResourceMetric' ? ' (is metrics-server installed?)' : ''}`
      : undefined,
  };
}

/** Plain text for the terminal. */
export function formatStatus(summary: DeploymentSummary): string {
  const r = summary.replicas;
  const lines = [
    `deployment ${summary.namespace}/${summary.name} (revision ${summary.revision ?? '?'})`,
    `  model     ${summary.model ?? '?'} version ${summary.modelVersion ?? '?'}${summary.modelSha256 ? ` (sha256 ${summary.modelSha256.slice(0, 12)})` : ''}`,
    `  image     ${summary.image ?? '?'}`,
    `  replicas  ${r.available}/${r.desired} available, ${r.ready} ready, ${r.updated} up to date`,
    `  rollout   ${summary.rollout}`,
  ];
  const h = summary.hpa;
  if (h)
    lines.push(
      `  hpa       ${h.currentReplicas} replicas (min ${h.minReplicas}, max ${h.maxReplicas}), cpu ${h.currentCpu === undefined ? '<unknown>' : `${h.currentCpu}%`}/${h.targetCpu ?? '?'}%${h.note ? `; ${h.note}` : ''}`,
    );
  else lines.push('  hpa       none');
  for (const problem of summary.problems)
    lines.push(`  problem   ${problem.pod}: ${problem.reason} — ${problem.message}`);
  return lines.join('\n');
}
