import type { V1ContainerPort, V1Deployment } from '@kubernetes/client-node';
import { defaults } from '../core/defaults.js';
import { objectMeta, scrapeAnnotations, type ManifestContext } from './context.js';
import { annotationKeys, modelAnnotations, selectorLabels } from './labels.js';
import { podSpec } from './pod-spec.js';
import { startupFailureThreshold } from './probes.js';

/** Container ports named `http` and `grpc`; the Service, probes and NetworkPolicy refer to the names. */
export function servingPorts(context: ManifestContext): V1ContainerPort[] {
  const { port, grpcPort } = context.settings.server;
  const ports: V1ContainerPort[] = [{ name: 'http', containerPort: port, protocol: 'TCP' }];
  if (grpcPort !== 0) ports.push({ name: 'grpc', containerPort: grpcPort, protocol: 'TCP' });
  return ports;
}

/**
 * The Deployment (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/).
 * - RollingUpdate with maxUnavailable 0 and maxSurge 1 by default: a new pod must be Ready (model
 *   loaded) before an old one goes, so capacity never drops during an upgrade. That needs room for
 *   one more pod; on a full node, maxSurge 0 and maxUnavailable 1 replace pods one by one instead.
 * - No spec.replicas while an HPA owns the count: re-applying would reset it on every deploy
 *   (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling).
 * - The model's sha256 is a pod-template annotation, so a new model file always rolls out.
 * - progressDeadlineSeconds exceeds the startupProbe's budget, so a slow model is not declared stuck.
 */
export function deployment(context: ManifestContext): V1Deployment {
  const { options, facts, settings } = context;
  const d = defaults.deploy;
  const startupBudget = startupFailureThreshold(facts) * d.startup.periodSeconds;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(context, {
      annotations: {
        [annotationKeys.changeCause]: `berth: model ${facts.name} version ${facts.version} (sha256 ${facts.sha256.slice(0, 12)}), image ${options.image}`,
      },
    }),
    spec: {
      ...(options.autoscaling.enabled ? {} : { replicas: options.replicas }),
      revisionHistoryLimit: d.revisionHistoryLimit,
      progressDeadlineSeconds: Math.max(d.progressDeadlineSeconds, startupBudget * 2),
      selector: { matchLabels: selectorLabels(options.name) },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: options.rollout.maxUnavailable, maxSurge: options.rollout.maxSurge },
      },
      template: {
        metadata: {
          labels: { ...context.labels },
          annotations: { ...modelAnnotations(facts), ...scrapeAnnotations(settings.server.port) },
        },
        spec: podSpec({ ...context, containerName: 'server', ports: servingPorts(context), probePort: 'http' }),
      },
    },
  };
}
