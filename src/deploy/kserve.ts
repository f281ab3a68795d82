import { objectMeta, scrapeAnnotations, type ManifestContext } from './context.js';
import type { KubeObject } from './kube-object.js';
import { modelAnnotations } from './labels.js';
import { podSpec } from './pod-spec.js';

/**
 * A KServe InferenceService (serving.kserve.io/v1beta1) whose predictor is the Berth image as a
 * custom container (https://kserve.github.io/website/docs/model-serving/predictive-inference/frameworks/custom-predictor/):
 * - the container must be named `kserve-container`;
 * - a custom predictor declares its protocol with the PROTOCOL environment variable (KServe's
 *   CustomPredictor.GetProtocol reads it; the predictor-level protocolVersion field belongs to
 *   the built-in model formats). Berth speaks the Open Inference Protocol v2 on /v2/…;
 * - Knative allows one container port, named http1 (HTTP/1.1) or h2c; the probes use its number.
 * - RawDeployment (default) needs no Knative: KServe makes a Deployment, Service and HPA, which
 *   keeps every probe, the preStop hook and the security settings. Serverless mode drops the
 *   startupProbe and preStop hook, which Knative's queue-proxy replaces.
 */
export function inferenceService(context: ManifestContext): KubeObject {
  const { options, settings, facts } = context;
  const serverless = options.kserve.deploymentMode === 'Serverless';
  const port = settings.server.port;
  const pod = podSpec({
    ...context,
    termination: serverless ? { ...context.termination, preStopSleepSeconds: 0 } : context.termination,
    containerName: 'kserve-container',
    ports: [{ name: 'http1', containerPort: port, protocol: 'TCP' }],
    probePort: port,
    extraEnv: [{ name: 'PROTOCOL', value: 'v2' }],
  });
  if (serverless) delete pod.containers[0]!.startupProbe;
  const a = options.autoscaling;
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: objectMeta(context, {
      annotations: {
        'serving.kserve.io/deploymentMode': options.kserve.deploymentMode,
        ...(serverless ? {} : { 'serving.kserve.io/autoscalerClass': 'hpa' }),
      },
    }),
    spec: {
      predictor: {
        minReplicas: a.enabled ? a.minReplicas : options.replicas,
        maxReplicas: a.enabled ? a.maxReplicas : options.replicas,
        ...(a.enabled ? { scaleMetric: 'cpu', scaleTarget: a.targetCPUUtilization } : {}),
        labels: { ...context.labels },
        annotations: { ...modelAnnotations(facts), ...scrapeAnnotations(port) },
        ...pod,
      },
    },
  };
}
