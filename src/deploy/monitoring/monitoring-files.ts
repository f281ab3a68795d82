import type { ManifestContext } from '../context.js';
import type { ManifestFile } from '../kube-object.js';
import { grafanaDashboard } from './grafana-dashboard.js';
import { prometheusRule } from './prometheus-rule.js';
import { alertThresholds } from './thresholds.js';

/** A generated file that is not a Kubernetes object: written beside the manifests, never applied. */
export interface Attachment {
  file: string;
  text: string;
}

/**
 * `--monitoring`: the PrometheusRule (a Kubernetes object, listed in kustomization.yaml) and the
 * Grafana dashboard (JSON to import into Grafana, not applied to the cluster).
 */
export function monitoringFiles(context: ManifestContext): { files: ManifestFile[]; attachments: Attachment[] } {
  const thresholds = alertThresholds(context.settings.monitoring);
  const { name } = context.options;
  const dashboard = grafanaDashboard({
    title: `Berth: ${name}`,
    uid: dashboardUid(name, context.options.namespace),
    thresholds,
  });
  return {
    files: [{ file: 'prometheus-rule.yaml', object: prometheusRule(context, thresholds) }],
    attachments: [{ file: 'grafana-dashboard.json', text: `${JSON.stringify(dashboard, null, 2)}\n` }],
  };
}

/** Grafana uids are at most 40 characters of [A-Za-z0-9_-]. */
export function dashboardUid(name: string, namespace?: string): string {
  return `berth-${namespace ? `${namespace}-` : ''}${name}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40);
}
