import type { ResolvedConfig } from '../core/config.js';
import { manifestContext } from './context.js';
import { checkDeployOptions } from './deploy-rules.js';
import { deployment } from './deployment.js';
import { horizontalPodAutoscaler } from './hpa.js';
import { inferenceService } from './kserve.js';
import type { KubeObject, ManifestFile } from './kube-object.js';
import type { ModelFacts } from './model-facts.js';
import { networkPolicy } from './network-policy.js';
import { deployOptions, type DeployOptions } from './options.js';
import { podDisruptionBudget } from './pdb.js';
import { service } from './service.js';
import { serviceMonitor } from './service-monitor.js';
import { monitoringFiles, type Attachment } from './monitoring/monitoring-files.js';

export interface ManifestSet {
  options: DeployOptions;
  files: ManifestFile[];
  /** Files that are not Kubernetes objects (the Grafana dashboard): written beside the manifests, not applied. */
  attachments: Attachment[];
  warnings: string[];
}

/**
 * The resolved config (berth.yaml `deploy:` with the flags, and the server settings the pod runs
 * with) + the model's facts → the objects, in the order they should be applied (a Service before
 * its pods, so endpoints exist from the start). Pure: writing files or calling a cluster is the
 * caller's job.
 */
export function generateManifests(config: Pick<ResolvedConfig, 'settings' | 'given'>, facts: ModelFacts): ManifestSet {
  const { settings, given } = config;
  const options = deployOptions(config, facts);
  const warnings = checkDeployOptions({ options, given, facts, settings });
  const context = manifestContext(options, settings, facts);
  const files: ManifestFile[] = [];
  const add = (file: string, object: unknown) => files.push({ file, object: object as KubeObject });
  const monitoring = options.monitoring ? monitoringFiles(context) : { files: [], attachments: [] };
  if (options.format === 'kserve') {
    add('inferenceservice.yaml', inferenceService(context));
    files.push(...monitoring.files);
    return { options, files, attachments: monitoring.attachments, warnings };
  }
  add('service.yaml', service(context));
  add('deployment.yaml', deployment(context));
  if (options.autoscaling.enabled) add('hpa.yaml', horizontalPodAutoscaler(context));
  add('pdb.yaml', podDisruptionBudget(context));
  if (options.networkPolicy) add('networkpolicy.yaml', networkPolicy(context));
  if (options.serviceMonitor) add('servicemonitor.yaml', serviceMonitor(context));
  files.push(...monitoring.files);
  return { options, files, attachments: monitoring.attachments, warnings };
}
