import { boolean, choice, integer, quantity, section, text, url } from '../field.js';

const autoscaling = section('The autoscaling/v2 HorizontalPodAutoscaler; `berth plan` simulates the same one.', {
  enabled: boolean(true, {
    doc: 'generate a HorizontalPodAutoscaler (off: a fixed count of `replicas` pods)',
    flag: '--hpa',
    switch: 'negatable',
  }),
  /** Seed: 3–20 pods at 70 % CPU of the request. */
  minReplicas: integer(3, { doc: 'HPA minReplicas', flag: '--min', min: 1 }),
  /** Follows a larger minReplicas when not set (deploy/options.ts). */
  maxReplicas: integer(20, { doc: 'HPA maxReplicas', flag: '--max', min: 1 }),
  targetCPUUtilization: integer(70, {
    doc: 'HPA target average CPU utilisation, % of the CPU request',
    flag: '--target-cpu',
    aliases: ['--target'],
    placeholder: 'percent',
    min: 1,
    max: 100,
  }),
  /** Kubernetes' own default for scale-down; stated so the HPA never flaps after a spike. */
  scaleDownStabilizationSeconds: integer(300, { doc: 'HPA behavior.scaleDown.stabilizationWindowSeconds' }),
});

/**
 * The HPA's percentage refers to the request. The limit lets both of a process's compute threads
 * run: the JS thread (HTTP, JSON, short model calls) and the onnxruntime thread (long calls). Under
 * 1000-row requests one iris process used 1.56 cores; a limit of 1 would throttle exactly the calls
 * the thread is there for.
 */
const resources = section("The server container's resources.", {
  requests: section('Requests (what the scheduler reserves).', {
    cpu: quantity('500m', { doc: 'CPU request', flag: '--cpu' }),
    /** Memory is not compressible: a pod scheduled for less than it uses is the first one the kernel kills when the node runs short. */
    memory: quantity(undefined, { doc: 'memory request', flag: '--memory', defaultText: 'the memory limit' }),
  }),
  limits: section('Limits.', {
    cpu: quantity('2', { doc: 'CPU limit', flag: '--limits-cpu' }),
    memory: quantity(undefined, {
      doc: 'memory limit',
      flag: '--limits-memory',
      defaultText: 'measured peak RSS plus a margin',
    }),
  }),
});

export const deploy = section(
  '`berth manifests` and `berth deploy`: the Kubernetes objects written for a model (flag > berth.yaml > default).',
  {
    name: text(undefined, {
      doc: 'name of the Deployment, Service and the rest',
      flag: '--name',
      placeholder: 'name',
      nonEmpty: true,
      defaultText: 'the model name as a DNS label',
    }),
    namespace: text(undefined, {
      doc: 'namespace to put everything in',
      flag: '--namespace',
      placeholder: 'ns',
      nonEmpty: true,
      defaultText: "the kubeconfig context's; none in files",
    }),
    image: text(undefined, {
      doc: 'container image',
      flag: '--image',
      placeholder: 'image',
      nonEmpty: true,
      defaultText: '<model>:<version>-<short sha>, never latest',
    }),
    imagePullPolicy: choice('IfNotPresent', ['IfNotPresent', 'Always', 'Never'], {
      doc: 'imagePullPolicy; IfNotPresent suits immutable tags',
    }),
    format: choice('plain', ['plain', 'kserve'], {
      doc: 'plain Kubernetes objects, or a KServe InferenceService',
      flag: '--format',
    }),
    replicas: integer(3, { doc: 'fixed replicas when autoscaling is off', flag: '--replicas', min: 1 }),
    autoscaling,
    resources,
    networkPolicy: boolean(false, {
      doc: 'also generate a NetworkPolicy that admits only the serving ports',
      flag: '--network-policy',
      switch: true,
    }),
    serviceMonitor: boolean(false, {
      doc: 'also generate a Prometheus Operator ServiceMonitor',
      flag: '--service-monitor',
      switch: true,
    }),
    monitoring: boolean(false, {
      doc: 'also write a PrometheusRule with alerts (thresholds: monitoring.alerts) and, with --out, grafana-dashboard.json',
      flag: '--monitoring',
      switch: true,
    }),
    otlpCollector: url('', {
      doc: "OpenTelemetry collector for the pods' traces, its OTLP/HTTP base URL (e.g. http://otel-collector.observability:4318): turns tracing on in the pods (docs/tracing.md)",
      flag: '--otlp-collector',
    }),
    preStop: choice('sleep', ['sleep', 'server'], {
      doc: "how the pod waits for endpoints to drop it: the kubelet's sleep action (Kubernetes ≥ 1.30) or the server's own drain delay",
      flag: '--pre-stop',
    }),
    /** While endpoints and load balancers stop routing to the pod. */
    preStopSeconds: integer(5, {
      doc: 'seconds to keep serving after the pod is marked for deletion',
      flag: '--pre-stop-seconds',
    }),
    rollout: section(
      "The Deployment's RollingUpdate strategy. The default (one pod above the count, none out of service) never drops capacity but needs room for one more pod on the nodes.",
      {
        maxSurge: integer(1, {
          doc: 'pods a rolling update starts above the replica count; needs that much free room on the nodes',
          flag: '--max-surge',
        }),
        maxUnavailable: integer(0, {
          doc: 'pods a rolling update may stop before their replacements are Ready (0 keeps full capacity; 1 with --max-surge 0 fits a full node)',
          flag: '--max-unavailable',
        }),
      },
    ),
    serviceType: choice('ClusterIP', ['ClusterIP', 'NodePort', 'LoadBalancer'], {
      doc: 'Service type',
      flag: '--service-type',
    }),
    kserve: section('With format kserve.', {
      deploymentMode: choice('RawDeployment', ['RawDeployment', 'Serverless'], {
        doc: 'KServe deployment mode (RawDeployment needs no Knative)',
        flag: '--kserve-mode',
      }),
    }),

    /** The image's fixed non-root UID/GID (the Dockerfile's USER); runAsUser/fsGroup must match it. */
    uid: 10001,
    memory: {
      /** limit = measured peak RSS × factor + headroom, rounded up (the OOMKilled gotcha). */
      marginFactor: 1.25,
      headroomMiB: 64,
      roundMiB: 64,
      floorMiB: 128,
      /** Used (with a warning) when the peak RSS was neither measured nor given. */
      assumedPeakRssMiB: 256,
    },
    /** startupProbe budget = load seconds × factor + grace, polled every periodSeconds. */
    startup: { periodSeconds: 2, timeoutSeconds: 2, loadFactor: 3, graceSeconds: 30 },
    /** Assumed load time when it was neither measured nor given. */
    assumedLoadSeconds: 10,
    readiness: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
    /** Looser than readiness in period, timeout and failure window: a busy pod is taken out of
     * rotation long before it is restarted. */
    liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    /** Slack on top of preStop + drain delay + drain in terminationGracePeriodSeconds. */
    terminationMarginSeconds: 5,
    /** emptyDir for /tmp under a read-only root filesystem. */
    tmpSizeMiB: 64,
    servicePort: 80,
    pdbMaxUnavailable: 1,
    progressDeadlineSeconds: 600,
    revisionHistoryLimit: 10,
    /** `berth deploy` and `berth rollback` wait this long for the rollout before giving up (--timeout). */
    rolloutTimeoutSeconds: 300,
    pollIntervalMs: 2_000,
    /** Prometheus Operator scrape interval for the ServiceMonitor. */
    scrapeInterval: '30s',
  },
);
