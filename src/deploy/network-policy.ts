import type { V1NetworkPolicy, V1NetworkPolicyPort } from '@kubernetes/client-node';
import { objectMeta, type ManifestContext } from './context.js';
import { selectorLabels } from './labels.js';

/**
 * Admits traffic to the pods only on the serving ports (HTTP, which also carries probes and
 * /metrics, and gRPC); everything else inbound is dropped
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/). Egress is left
 * open: the server makes no outbound calls, and DNS must keep working. Needs a CNI that enforces
 * NetworkPolicy.
 */
export function networkPolicy(context: ManifestContext): V1NetworkPolicy {
  const ports: V1NetworkPolicyPort[] = [{ protocol: 'TCP', port: 'http' }];
  if (context.settings.server.grpcPort !== 0) ports.push({ protocol: 'TCP', port: 'grpc' });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(context),
    spec: {
      podSelector: { matchLabels: selectorLabels(context.options.name) },
      policyTypes: ['Ingress'],
      ingress: [{ ports }],
    },
  };
}
