import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

/**
 * Why pods are not becoming ready, in plain words, from their status and events
 * (https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/). Pure: the same pod
 * objects `kubectl get pod -o yaml` shows.
 */
export type ProblemKind = 'image-pull' | 'crash-loop' | 'oom-killed' | 'config' | 'unschedulable' | 'not-ready' | 'starting';

export interface PodProblem {
  pod: string;
  kind: ProblemKind;
  /** Kubernetes' own reason (ImagePullBackOff, CrashLoopBackOff, OOMKilled, Unschedulable…). */
  reason: string;
  message: string;
  /** True for problems that waiting will not fix (a bad image name, a crash that repeats). */
  fatal: boolean;
}

/** Restarts after which a CrashLoopBackOff is taken as the pod's steady state. */
const crashLoopRestarts = 3;

export function podProblems(pods: readonly V1Pod[], events: readonly CoreV1Event[] = []): PodProblem[] {
  const problems: PodProblem[] = [];
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const problem = podProblem(pod, events.filter((event) => event.involvedObject?.name === pod.metadata?.name));
    if (problem) problems.push(problem);
  }
  return problems;
}

function podProblem(pod: V1Pod, events: readonly CoreV1Event[]): PodProblem | undefined {
  const name = pod.metadata?.name ?? '?';
  const make = (kind: ProblemKind, reason: string, message: string, fatal = false): PodProblem => ({ pod: name, kind, reason, message, fatal });
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return make('unschedulable', 'Unschedulable', `no node can run it: ${scheduled.message ?? 'not enough free CPU or memory, or no node matches'}; lower the requests (--cpu/--memory) or add nodes`);
  }
  for (const status of pod.status?.containerStatuses ?? []) {
    const problem = containerProblem(status, pod, make);
    if (problem) return problem;
  }
  const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
  if (pod.status?.phase === 'Running' && ready?.status !== 'True') {
    const probe = [...events].reverse().find((event) => event.reason === 'Unhealthy');
    const started = pod.status.containerStatuses?.every((status) => status.started !== false) ?? true;
    if (!started) return make('starting', 'Starting', `still starting: the startupProbe on /ready has not passed yet (the model is loading)${probe?.message ? `; last probe: ${probe.message}` : ''}`);
    return make('not-ready', 'ReadinessProbeFailed', `running but not ready: the readiness probe on /ready is failing${probe?.message ? ` (${probe.message.trim()})` : ''}`);
  }
  return undefined;
}

type Make = (kind: ProblemKind, reason: string, message: string, fatal?: boolean) => PodProblem;

function containerProblem(status: V1ContainerStatus, pod: V1Pod, make: Make): PodProblem | undefined {
  const waiting = status.state?.waiting;
  const last = status.lastState?.terminated ?? status.state?.terminated;
  const limit = pod.spec?.containers.find((container) => container.name === status.name)?.resources?.limits?.memory;
  if (last?.reason === 'OOMKilled' && (waiting?.reason === 'CrashLoopBackOff' || status.state?.terminated)) {
    return make('oom-killed', 'OOMKilled', `killed for using more memory than its limit${limit ? ` of ${limit}` : ''} (OOMKilled, restarted ${status.restartCount} times); raise --limits-memory or measure the model's peak memory with a realistic batch`, status.restartCount >= crashLoopRestarts);
  }
  switch (waiting?.reason) {
    case 'ImagePullBackOff':
    case 'ErrImagePull':
      return make('image-pull', waiting.reason, `cannot pull image ${status.image}: ${firstLine(waiting.message) || 'the registry refused it'}; check the name and tag, that the image was pushed, and imagePullSecrets`);
    case 'InvalidImageName':
    case 'ErrImageNeverPull':
      return make('image-pull', waiting.reason, `image ${status.image} cannot be used: ${firstLine(waiting.message) || waiting.reason}`, true);
    case 'CreateContainerConfigError':
    case 'CreateContainerError':
      return make('config', waiting.reason, `the container cannot be created: ${firstLine(waiting.message) || waiting.reason} (a missing Secret or ConfigMap?)`, true);
    case 'CrashLoopBackOff': {
      const exit = last ? `last exit: ${last.reason ?? 'Error'}, code ${last.exitCode}` : 'no exit recorded';
      return make('crash-loop', 'CrashLoopBackOff', `the server keeps crashing (restarted ${status.restartCount} times, ${exit}); see kubectl logs --previous ${pod.metadata?.name ?? ''}`.trim(), status.restartCount >= crashLoopRestarts);
    }
    default:
      return undefined;
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.trim();
}

/** One line per distinct problem, e.g. for an error message. */
export function describeProblems(problems: readonly PodProblem[]): string {
  if (problems.length === 0) return 'no pod reports a problem';
  const seen = new Map<string, string[]>();
  for (const problem of problems) {
    const key = `${problem.reason}: ${problem.message.replace(problem.pod, 'POD')}`;
    seen.set(key, [...(seen.get(key) ?? []), problem.pod]);
  }
  return [...seen.entries()].map(([key, pods]) => `${pods.join(', ')} — ${key.replace('POD', pods[0]!)}`).join('; ');
}
