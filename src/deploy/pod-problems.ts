import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { registryHost } from '../core/image-ref.js';
import { localRegistry } from '../core/image-name.js';

/**
 * Why pods are not becoming ready, in plain words, from their status and events
 * (https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/). Pure: the same pod
 * objects `kubectl get pod -o yaml` shows.
 */
export type ProblemKind =
  'image-pull' | 'crash-loop' | 'oom-killed' | 'config' | 'unschedulable' | 'not-ready' | 'starting';

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
    const problem = podProblem(
      pod,
      events.filter((event) => event.involvedObject?.name === pod.metadata?.name),
    );
    if (problem) problems.push(problem);
  }
  return problems;
}

function podProblem(pod: V1Pod, events: readonly CoreV1Event[]): PodProblem | undefined {
  const name = pod.metadata?.name ?? '?';
  const make = (kind: ProblemKind, reason: string, message: string, fatal = false): PodProblem => ({
    pod: name,
    kind,
    reason,
    message,
    fatal,
  });
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const message = scheduled.message ?? 'not enough free CPU or memory, or no node matches';
    // "Insufficient cpu/memory": the pod waits for room, which a rollout's old pods free as they
    // terminate; anything else (taints, selectors) waiting will not fix.
    return /Insufficient (cpu|memory)/.test(message)
      ? make(
          'unschedulable',
          'Unschedulable',
          `waiting for room: ${message.trim()}; it starts once other pods (the rollout's old ones too) free enough CPU and memory; if none will, lower the requests (--cpu/--memory) or the replicas, or add nodes`,
        )
      : make(
          'unschedulable',
          'Unschedulable',
          `no node can run it: ${message.trim()}; lower the requests (--cpu/--memory) or add nodes`,
        );
  }
  for (const status of pod.status?.containerStatuses ?? []) {
    const problem = containerProblem(status, pod, events, make);
    if (problem) return problem;
  }
  const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
  if (pod.status?.phase === 'Running' && ready?.status !== 'True') {
    const probe = [...events].reverse().find((event) => event.reason === 'Unhealthy');
    const started = pod.status.containerStatuses?.every((status) => status.started !== false) ?? true;
    if (!started)
      return make(
        'starting',
        'Starting',
        `still starting: the startupProbe on /ready has not passed yet (the model is loading)${probe?.message ? `; last probe: ${probe.message}` : ''}`,
      );
    return make(
      'not-ready',
      'ReadinessProbeFailed',
      `running but not ready: the readiness probe on /ready is failing${probe?.message ? ` (${probe.message.trim()})` : ''}`,
    );
  }
  return undefined;
}

type Make = (kind: ProblemKind, reason: string, message: string, fatal?: boolean) => PodProblem;

function containerProblem(
  status: V1ContainerStatus,
  pod: V1Pod,
  events: readonly CoreV1Event[],
  make: Make,
): PodProblem | undefined {
  const waiting = status.state?.waiting;
  const last = status.lastState?.terminated ?? status.state?.terminated;
  const limit = pod.spec?.containers.find((container) => container.name === status.name)?.resources?.limits?.memory;
  const oom = `killed for using more memory than its limit${limit ? ` of ${limit}` : ''} (OOMKilled, restarted ${status.restartCount} times)`;
  const raise = "raise --limits-memory or measure the model's peak memory with a realistic batch";
  if (last?.reason === 'OOMKilled' && (waiting?.reason === 'CrashLoopBackOff' || status.state?.terminated)) {
    return make('oom-killed', 'OOMKilled', `${oom}; ${raise}`, status.restartCount >= crashLoopRestarts);
  }
  if (last?.reason === 'OOMKilled' && status.state?.running)
    return make('oom-killed', 'OOMKilled', `was ${oom} and runs again; ${raise}`);
  switch (waiting?.reason) {
    case 'ImagePullBackOff':
    case 'ErrImagePull':
      return imagePullProblem(status.image, waiting.reason, pullError(waiting.message, events), make);
    case 'InvalidImageName':
    case 'ErrImageNeverPull':
      return make(
        'image-pull',
        waiting.reason,
        `image ${status.image} cannot be used: ${firstLine(waiting.message) || waiting.reason}`,
        true,
      );
    case 'CreateContainerConfigError':
    case 'CreateContainerError':
      return make(
        'config',
        waiting.reason,
        `the container cannot be created: ${firstLine(waiting.message) || waiting.reason} (a missing Secret or ConfigMap?)`,
        true,
      );
    case 'CrashLoopBackOff': {
      const exit = last ? `last exit: ${last.reason ?? 'Error'}, code ${last.exitCode}` : 'no exit recorded';
      return make(
        'crash-loop',
        'CrashLoopBackOff',
        `the server keeps crashing (restarted ${status.restartCount} times, ${exit}); see kubectl logs --previous ${pod.metadata?.name ?? ''}`.trim(),
        status.restartCount >= crashLoopRestarts,
      );
    }
    default:
      return undefined;
  }
}

/**
 * Two pull failures waiting will not fix: the registry says the tag does not exist, or the image
 * is a local build's `localhost/…` name, which no registry serves. Anything else (a registry that
 * is down, missing credentials) may pass, so the rollout keeps waiting.
 */
function imagePullProblem(image: string, reason: string, detail: string, make: Make): PodProblem {
  if (registryHost(image) === localRegistry) {
    return make(
      'image-pull',
      reason,
      `cannot pull image ${image}: it is the name of a local build, which only the engine that built it has; push it with \`berth build --containerize --push REGISTRY/REPOSITORY\` and deploy the printed reference with --image, or load it into the node's runtime (kind load docker-image, ctr images import)`,
      true,
    );
  }
  if (/\bnot found\b|manifest unknown|name unknown/i.test(detail)) {
    return make(
      'image-pull',
      reason,
      `cannot pull image ${image}: the registry has no such tag (${detail}); push it (berth build --containerize --push) or deploy a tag that exists; check the name and tag`,
      true,
    );
  }
  return make(
    'image-pull',
    reason,
    `cannot pull image ${image}: ${detail || 'the registry refused it'}; check the name and tag, that the image was pushed, and imagePullSecrets`,
  );
}

/** The runtime's own error: the waiting message, or the kubelet's latest "Failed" event about the pull. */
function pullError(message: string | undefined, events: readonly CoreV1Event[]): string {
  const failed = [...events].reverse().find((event) => event.reason === 'Failed' && /pull/i.test(event.message ?? ''));
  const text = [message, failed?.message].find(
    (candidate) => candidate && !/^Back-off pulling image "[^"]*"$/.test(candidate.trim()),
  );
  return firstLine(text);
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
