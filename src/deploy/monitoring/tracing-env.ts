import type { V1EnvVar } from '@kubernetes/client-node';
import type { Settings } from '../../core/config.js';
import { defaults } from '../../core/defaults.js';
import type { DeployOptions } from '../options.js';

/**
 * The pod's tracing environment (docs/tracing.md), when the pods trace (berth.yaml `tracing.enabled`,
 * or a collector given with --otlp-collector): the collector as OTEL_EXPORTER_OTLP_ENDPOINT, the
 * service named after the Deployment, and each span's resource naming its pod, namespace and node
 * through the downward API (https://kubernetes.io/docs/concepts/workloads/pods/downward-api/) in
 * OpenTelemetry's k8s.* resource attributes. Kubernetes expands `$(VAR)` from the variables
 * defined before it, so those come first.
 */
export function tracingEnv(options: DeployOptions, settings: Settings): V1EnvVar[] {
  const { tracing } = settings;
  const collector = options.otlpCollector;
  if (!tracing.enabled && collector === '') return [];
  const env: V1EnvVar[] = [];
  // berth.yaml's own tracing settings reach the pod through settingsEnv (env.ts).
  if (!tracing.enabled) env.push({ name: 'BERTH_TRACING', value: 'true' });
  if (collector !== '') env.push({ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: collector });
  if (tracing.serviceName === defaults.tracing.serviceName)
    env.push({ name: 'OTEL_SERVICE_NAME', value: options.name });
  const field = (name: string, fieldPath: string): V1EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  env.push(
    field('K8S_POD_NAME', 'metadata.name'),
    field('K8S_NAMESPACE', 'metadata.namespace'),
    field('K8S_NODE_NAME', 'spec.nodeName'),
  );
  env.push({
    name: 'OTEL_RESOURCE_ATTRIBUTES',
    value: `k8s.pod.name=$(K8S_POD_NAME),k8s.namespace.name=$(K8S_NAMESPACE),k8s.node.name=$(K8S_NODE_NAME),k8s.deployment.name=${options.name}`,
  });
  return env;
}
