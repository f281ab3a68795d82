import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

/**
 * What the pods of a rollout did on their way to Ready, from their status and the kubelet's and
 * scheduler's events (https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/event-v1/):
 * restarts, OOM kills, probe failures, and waits for room on the nodes. Pure.
 */
export interface PodActivity {
  pods: string[];
  restarts: number;
  /** Containers whose last termination was an OOM kill (the kubelet keeps only the last one). */
  oomKilled: number;
  probeFailures: { startup: number; readiness: number; liveness: number };
  /** Times the scheduler found no room, with its last message. */
  unschedulable: { times: number; message?: string };
}

const eventCount = (event: CoreV1Event) => event.series?.count ?? event.count ?? 1;

export function podActivity(pods: readonly V1Pod[], events: readonly CoreV1Event[]): PodActivity {
  const names = new Set(pods.map((pod) => pod.metadata?.name ?? ''));
  const statuses = pods.flatMap((pod) => pod.status?.containerStatuses ?? []);
  const activity: PodActivity = {
    pods: [...names].sort(),
    restarts: statuses.reduce((sum, status) => sum + (status.restartCount ?? 0), 0),
    oomKilled: statuses.filter(
      (status) => (status.lastState?.terminated ?? status.state?.terminated)?.reason === 'OOMKilled',
    ).length,
    probeFailures: { startup: 0, readiness: 0, liveness: 0 },
    unschedulable: { times: 0 },
  };
  for (const event of events) {
    if (!names.has(event.involvedObject?.name ?? '')) continue;
    const probe =
      event.reason === 'Unhealthy'
        ? /^(Startup|Readiness|Liveness) probe failed/.exec(event.message ?? '')?.[1]
        : undefined;
    if (probe) activity.probeFailures[probe.toLowerCase() as keyof PodActivity['probeFailures']] += eventCount(event);
    if (event.reason === 'FailedScheduling') {
      activity.unschedulable.times += eventCount(event);
      activity.unschedulable.message = event.message?.trim();
    }
  }
  return activity;
}

/** One line for the rollout report. */
export function describeActivity(activity: PodActivity): string {
  const p = activity.probeFailures;
  const parts = [
    `${activity.restarts} restart${activity.restarts === 1 ? '' : 's'}`,
    activity.oomKilled > 0 ? `${activity.oomKilled} OOMKilled` : 'none OOMKilled',
    `probe failures: startup ${p.startup}${p.startup > 0 ? ' (while the model loaded)' : ''}, readiness ${p.readiness}, liveness ${p.liveness}`,
  ];
  if (activity.unschedulable.times > 0)
    parts.push(`waited for room ${activity.unschedulable.times}× (${activity.unschedulable.message})`);
  return `pods ${activity.pods.join(', ') || '(none)'}: ${parts.join('; ')}`;
}
