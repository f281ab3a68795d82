import type { V1Container, V1ContainerPort } from '@kubernetes/client-node';
import type { Settings } from '../core/config.js';
import { settingsEnv } from './env.js';
import { tracingEnv } from './monitoring/tracing-env.js';
import type { ModelFacts } from './model-facts.js';
import type { DeployOptions } from './options.js';
import { livenessProbe, readinessProbe, startupProbe } from './probes.js';
import type { TerminationPlan } from './termination.js';

export const tmpVolumeName = 'tmp';

export interface ContainerInput {
  options: DeployOptions;
  settings: Settings;
  facts: ModelFacts;
  termination: TerminationPlan;
  /** Container name: `server`, or `kserve-container` for KServe. */
  containerName: string;
  ports: V1ContainerPort[];
  /** What the probes point at (a port name, or a number where names are fixed by KServe). */
  probePort: number | string;
  extraEnv?: V1Container['env'];
}

/**
 * The Berth server container. Security settings follow the Pod Security Standards' "restricted"
 * profile (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted): no
 * privilege escalation, every capability dropped, non-root, RuntimeDefault seccomp (set on the
 * pod), and a read-only root filesystem with an emptyDir for /tmp.
 */
export function serverContainer(input: ContainerInput): V1Container {
  const { options, facts, termination } = input;
  return {
    name: input.containerName,
    image: options.image,
    // The tag is immutable (<name>:<version>-<sha>), so a node's cached copy is always right.
    imagePullPolicy: options.imagePullPolicy,
    ports: input.ports,
    env: [
      ...(input.extraEnv ?? []),
      ...tracingEnv(options, input.settings),
      ...settingsEnv(input.settings, termination, options.name),
    ],
    resources: {
      requests: { ...options.resources.requests },
      limits: { ...options.resources.limits },
    },
    startupProbe: startupProbe(input.probePort, facts),
    readinessProbe: readinessProbe(input.probePort),
    livenessProbe: livenessProbe(input.probePort),
    ...(termination.preStopSleepSeconds > 0
      ? { lifecycle: { preStop: { sleep: { seconds: termination.preStopSleepSeconds } } } }
      : {}),
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: tmpVolumeName, mountPath: '/tmp' }],
    // The kubelet shows this file's content as the termination message, e.g. a load error.
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}
