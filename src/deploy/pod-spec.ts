import type { V1PodSecurityContext, V1PodSpec, V1TopologySpreadConstraint, V1Volume } from '@kubernetes/client-node';
import { defaults } from '../core/defaults.js';
import { serverContainer, tmpVolumeName, type ContainerInput } from './container.js';
import { selectorLabels } from './labels.js';

/**
 * The image runs as a fixed non-root UID (the Dockerfile's USER 10001); the pod asserts it, so a
 * image built as root is refused by the kubelet instead of running
 * (https://kubernetes.io/docs/tasks/configure-pod-container/security-context/).
 */
export function podSecurityContext(): V1PodSecurityContext {
  const uid = defaults.deploy.uid;
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** /tmp is the only writable place under readOnlyRootFilesystem; capped so it cannot fill the node. */
export function tmpVolume(): V1Volume {
  return { name: tmpVolumeName, emptyDir: { sizeLimit: `${defaults.deploy.tmpSizeMiB}Mi` } };
}

/**
 * Spread replicas over nodes (and zones where the nodes are labelled), so one node failure takes
 * only part of the service (https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/).
 * ScheduleAnyway: a small cluster still schedules every replica. matchLabelKeys pod-template-hash
 * spreads each revision on its own during a rolling update (beta, on by default since 1.27).
 */
export function topologySpread(name: string): V1TopologySpreadConstraint[] {
  const spread = (topologyKey: string): V1TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selectorLabels(name) },
    matchLabelKeys: ['pod-template-hash'],
  });
  return [spread('kubernetes.io/hostname'), spread('topology.kubernetes.io/zone')];
}

export function podSpec(input: ContainerInput): V1PodSpec {
  return {
    securityContext: podSecurityContext(),
    // The server never calls the Kubernetes API: no token in the pod, no service env variables.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    containers: [serverContainer(input)],
    volumes: [tmpVolume()],
    terminationGracePeriodSeconds: input.termination.terminationGracePeriodSeconds,
    topologySpreadConstraints: topologySpread(input.options.name),
  };
}
