import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { labelSelector, type Cluster } from './cluster.js';
import { endpointReadiness } from './endpoint-readiness.js';
import { podActivity, type PodActivity } from './pod-activity.js';
import { podProblems, type PodProblem } from './pod-problems.js';
import { ownedReplicaSets } from './rollback.js';
import { deploymentRevision, rolloutStatus, type RolloutStatus } from './rollout-status.js';

export interface WaitOptions {
  namespace: string;
  name: string;
  timeoutMs: number;
  pollMs: number;
  /**
   * The Service in front of the Deployment: the rollout counts as done only once its
   * EndpointSlices list every new pod as ready and no old one, so traffic has really moved.
   */
  service?: string;
  /** One line per change of state: `2 of 3 updated replicas are available`. */
  onProgress?: (line: string) => void;
  /** Injected for tests; real time by default. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface WaitResult {
  outcome: 'done' | 'failed' | 'timeout';
  status?: RolloutStatus;
  /** Problems of the new revision's pods at the end (empty when done). */
  problems: PodProblem[];
  /** The revision being rolled out. */
  revision?: number;
  /** Why it failed, in plain words. */
  reason?: string;
  /** What the new revision's pods did (restarts, OOM kills, probe failures, waits for room). */
  activity?: PodActivity;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls like `kubectl rollout status` until the rollout is done (and, given the Service, traffic
 * reaches only the new pods), the controller reports
 * ProgressDeadlineExceeded, a new pod has a problem waiting will not fix (a crash loop, an
 * invalid image), or the timeout passes. Polling rather than a watch keeps it to plain GETs that
 * any RBAC role with `get`/`list` allows.
 */
export async function waitForRollout(cluster: Cluster, options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const deadline = now() + options.timeoutMs;
  let lastLine = '';
  let status: RolloutStatus | undefined;
  let revision: number | undefined;
  let problems: PodProblem[] = [];
  let activity: PodActivity | undefined;
  for (;;) {
    const deployment = await cluster.getDeployment(options.namespace, options.name);
    if (deployment) {
      status = rolloutStatus(deployment);
      revision = deploymentRevision(deployment);
      const pods = await currentPods(cluster, options.namespace, deployment);
      const events = pods.length > 0 ? await cluster.listPodEvents(options.namespace) : [];
      activity = podActivity(pods, events);
      if (status.done) {
        const routed = options.service
          ? await routing(cluster, options.namespace, options.service, pods, status.desired)
          : undefined;
        if (!routed || routed.done) {
          report(
            `${status.message} (${status.available}/${status.desired} available${routed ? `, all ready endpoints of Service ${options.service}` : ''})`,
          );
          return { outcome: 'done', status, problems: [], revision, activity };
        }
        report(routed.line);
      } else {
        problems = podProblems(pods, events);
        report(progressLine(status, problems));
        if (status.failed) return { outcome: 'failed', status, problems, revision, activity, reason: status.message };
        const fatal = problems.find((problem) => problem.fatal);
        if (fatal)
          return { outcome: 'failed', status, problems, revision, activity, reason: `${fatal.pod}: ${fatal.message}` };
      }
    } else {
      report(`waiting for deployment ${options.name} to appear`);
    }
    if (now() >= deadline)
      return {
        outcome: 'timeout',
        status,
        problems,
        revision,
        activity,
        reason: status?.message ?? 'the deployment never appeared',
      };
    await sleep(Math.min(options.pollMs, Math.max(0, deadline - now())));
  }

  function report(line: string): void {
    if (line !== lastLine) options.onProgress?.(line);
    lastLine = line;
  }
}

/** Are the new pods, and only they, the Service's ready endpoints? */
async function routing(
  cluster: Cluster,
  namespace: string,
  service: string,
  pods: readonly V1Pod[],
  desired: number,
): Promise<{ done: boolean; line: string }> {
  const names = new Set(pods.filter((pod) => !pod.metadata?.deletionTimestamp).map((pod) => pod.metadata?.name ?? ''));
  const { newReady, otherReady } = endpointReadiness(await cluster.listEndpointSlices(namespace, service), names);
  return {
    done: newReady >= desired && otherReady === 0,
    line: `Service ${service} routes to ${newReady} of ${desired} new pods${otherReady > 0 ? ` and ${otherReady} old ones` : ''}`,
  };
}

function progressLine(status: RolloutStatus, problems: readonly PodProblem[]): string {
  const first = problems[0];
  if (!first) return status.message;
  // A pod the scheduler has no room for yet: say so, and for what (e.g. "Insufficient cpu").
  const short = /Insufficient [a-z0-9./-]*[a-z0-9]/g;
  const room =
    first.kind === 'unschedulable' && first.message.startsWith('waiting for room')
      ? `waiting for room (${[...new Set(first.message.match(short))].join(', ')})`
      : undefined;
  return `${status.message}; ${first.pod}: ${room ?? first.reason}`;
}

/**
 * Pods of the revision being rolled out: those of the ReplicaSet that holds the Deployment's
 * current revision (its pod-template-hash), once the controller has seen the spec. After a
 * rollback that is an older ReplicaSet, while the newest pods are the failed revision's; without
 * that ReplicaSet in sight, the pods with the newest hash.
 */
async function currentPods(cluster: Cluster, namespace: string, deployment: V1Deployment): Promise<V1Pod[]> {
  if ((deployment.metadata?.generation ?? 0) > (deployment.status?.observedGeneration ?? 0)) return [];
  const selector = labelSelector(deployment.spec?.selector?.matchLabels ?? {});
  const pods = await cluster.listPods(namespace, selector);
  const revision = deploymentRevision(deployment);
  const current = ownedReplicaSets(deployment, await cluster.listReplicaSets(namespace, selector)).find(
    (rs) => revision !== undefined && deploymentRevision(rs) === revision,
  );
  const hash =
    current?.metadata?.labels?.[templateHash] ??
    current?.spec?.template?.metadata?.labels?.[templateHash] ??
    newestHash(pods);
  return hash ? pods.filter((pod) => pod.metadata?.labels?.[templateHash] === hash) : pods;
}

const templateHash = 'pod-template-hash';

function newestHash(pods: readonly V1Pod[]): string | undefined {
  let best: { hash: string; time: number } | undefined;
  for (const pod of pods) {
    const hash = pod.metadata?.labels?.[templateHash];
    const time = new Date(pod.metadata?.creationTimestamp ?? 0).getTime();
    if (hash && (!best || time > best.time)) best = { hash, time };
  }
  return best?.hash;
}
