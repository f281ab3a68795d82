import { defaults } from '../core/defaults.js';
import { objectMeta, type ManifestContext } from './context.js';
import type { KubeObject } from './kube-object.js';
import { selectorLabels } from './labels.js';

/**
 * A Prometheus Operator ServiceMonitor (monitoring.coreos.com/v1,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor):
 * scrape /metrics through the Service's `http` port. Needs the Operator's CRDs; a Prometheus
 * without the Operator uses the pods' prometheus.io/* annotations instead.
 */
export function serviceMonitor(context: ManifestContext): KubeObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: objectMeta(context),
    spec: {
      selector: { matchLabels: selectorLabels(context.options.name) },
      endpoints: [{ port: 'http', path: '/metrics', interval: defaults.deploy.scrapeInterval, scheme: 'http' }],
    },
  };
}
