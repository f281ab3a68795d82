/**
 * The `berth manifests` / `berth deploy` options: where each lives in berth.yaml's `deploy:`
 * section and which flag overrides it (flag > berth.yaml > defaults.deploy), like the server
 * settings table in core/settings.ts.
 */
export type DeployOptionType = 'int' | 'positive-int' | 'boolean' | 'string' | 'quantity' | 'enum' | 'percent';

export interface DeployOptionSpec {
  /** Dotted path under `deploy:` in berth.yaml. */
  key: string;
  /** Flag, or undefined for berth.yaml-only options. */
  flag?: string;
  type: DeployOptionType;
  choices?: readonly string[];
  doc: string;
}

const o = (key: string, flag: string | undefined, type: DeployOptionType, doc: string, choices?: readonly string[]): DeployOptionSpec => ({ key, flag, type, doc, choices });

export const deployOptionSpecs: readonly DeployOptionSpec[] = [
  o('name', '--name', 'string', 'name of the Deployment, Service and the rest (default: the model name as a DNS label)'),
  o('namespace', '--namespace', 'string', 'namespace to put everything in (default: the kubeconfig context\'s)'),
  o('image', '--image', 'string', 'container image (default: <model>:<version>-<short sha>, never latest)'),
  o('imagePullPolicy', undefined, 'enum', 'imagePullPolicy; IfNotPresent suits immutable tags', ['IfNotPresent', 'Always', 'Never']),
  o('format', '--format', 'enum', 'plain Kubernetes objects, or a KServe InferenceService', ['plain', 'kserve']),
  o('replicas', '--replicas', 'positive-int', 'fixed replicas when autoscaling is off'),
  o('autoscaling.enabled', '--hpa', 'boolean', 'generate an autoscaling/v2 HorizontalPodAutoscaler (--no-hpa: fixed replicas)'),
  o('autoscaling.minReplicas', '--min', 'positive-int', 'HPA minReplicas'),
  o('autoscaling.maxReplicas', '--max', 'positive-int', 'HPA maxReplicas'),
  o('autoscaling.targetCPUUtilization', '--target-cpu', 'percent', 'HPA target average CPU utilisation, % of the CPU request'),
  o('autoscaling.scaleDownStabilizationSeconds', undefined, 'int', 'HPA behavior.scaleDown.stabilizationWindowSeconds'),
  o('resources.requests.cpu', '--cpu', 'quantity', 'CPU request'),
  o('resources.requests.memory', '--memory', 'quantity', 'memory request (default: the memory limit)'),
  o('resources.limits.cpu', '--limits-cpu', 'quantity', 'CPU limit'),
  o('resources.limits.memory', '--limits-memory', 'quantity', 'memory limit (default: measured peak RSS plus a margin)'),
  o('networkPolicy', '--network-policy', 'boolean', 'generate a NetworkPolicy that admits only the serving ports'),
  o('serviceMonitor', '--service-monitor', 'boolean', 'generate a Prometheus Operator ServiceMonitor'),
  o('monitoring', '--monitoring', 'boolean', 'also write a Grafana dashboard (grafana-dashboard.json) and a Prometheus Operator PrometheusRule with alerts (thresholds: berth.yaml monitoring.alerts)'),
  o('otlpCollector', '--otlp-collector', 'string', 'OpenTelemetry collector for the pods\' traces, its OTLP/HTTP base URL (e.g. http://otel-collector.observability:4318): turns tracing on in the pods'),
  o('preStop', '--pre-stop', 'enum', 'how the pod waits for endpoints to drop it: the kubelet\'s sleep action (Kubernetes ≥ 1.30) or the server\'s own drain delay', ['sleep', 'server']),
  o('preStopSeconds', '--pre-stop-seconds', 'int', 'seconds to keep serving after the pod is marked for deletion'),
  o('serviceType', '--service-type', 'enum', 'Service type', ['ClusterIP', 'NodePort', 'LoadBalancer']),
  o('kserve.deploymentMode', '--kserve-mode', 'enum', 'KServe deployment mode (RawDeployment needs no Knative)', ['RawDeployment', 'Serverless']),
];

/** commander's attribute name for a flag: `--limits-memory` → `limitsMemory`. */
export function flagAttribute(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
