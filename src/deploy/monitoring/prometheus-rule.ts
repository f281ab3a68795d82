import { objectMeta, type ManifestContext } from '../context.js';
import type { KubeObject } from '../kube-object.js';
import { inferenceRoutePattern, metricNames as m, psiMethod } from '../../core/metric-names.js';
import { histogramQuantile, selector, sumRate } from './promql.js';
import type { AlertThresholds } from './thresholds.js';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertTarget {
  /** The model's name: the `model` label on every Berth metric, whatever the scrape setup. */
  model: string;
  /** The Service name: the `job` label a ServiceMonitor gives the targets (used only for `up`). */
  job: string;
  namespace?: string;
  thresholds: AlertThresholds;
}

/**
 * The alert rules for one model, as a Prometheus rule group (the format `promtool check rules`
 * reads and a PrometheusRule's spec.groups carries). Each expression keeps the labels that say
 * where it fires (namespace, job, model, version, feature) so Alertmanager can route and group.
 */
export function alertRules(target: AlertTarget): AlertRule[] {
  const { model, thresholds: t } = target;
  const w = t.rateWindow;
  const inference = { model, route: { re: inferenceRoutePattern } };
  const by = ['namespace', 'job', 'model'];
  const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10}%`;
  return [
    {
      alert: 'BerthHighErrorRate',
      expr: `${sumRate(m.httpRequests, { ...inference, status: { re: '5..' } }, w, by)}\n  / ${sumRate(m.httpRequests, inference, w, by)}\n  > ${t.errorRatio}`,
      for: t.for.errors,
      labels: { severity: 'critical' },
      annotations: {
        summary: `Model ${model} answers more than ${percent(t.errorRatio)} of inference requests with 5xx`,
        description: `{{ $value | humanizePercentage }} of inference requests to {{ $labels.model }} ({{ $labels.namespace }}/{{ $labels.job }}) failed with a 5xx over the last ${w}: deadlines (504), not ready or draining (503) or internal errors (overload is 429 and counted in ${m.shed}); see ${m.inferenceErrors} by code and the server log.`,
      },
    },
    {
      alert: 'BerthLatencyP99OverSLO',
      expr: `${histogramQuantile(0.99, m.httpDuration, inference, w, by)}\n  > ${t.sloP99Ms / 1000}`,
      for: t.for.latency,
      labels: { severity: 'warning' },
      annotations: {
        summary: `Model ${model}: p99 latency above the ${t.sloP99Ms} ms SLO`,
        description: `p99 latency of {{ $labels.model }} is {{ $value | humanizeDuration }} over the last ${w} (SLO ${t.sloP99Ms} ms). Check queue time (${m.queueDuration}), CPU throttling, and whether the HPA is at maxReplicas; \`berth plan\` says how many pods the load needs.`,
      },
    },
    {
      alert: 'BerthModelNotReady',
      expr: `${selector(m.modelReady, { model })} == 0`,
      for: t.for.notReady,
      labels: { severity: 'critical' },
      annotations: {
        summary: `Model ${model} is not ready`,
        description: `Version {{ $labels.version }} of {{ $labels.model }} on {{ $labels.instance }} has reported not ready for ${t.for.notReady}: the model failed to load or a worker lost it; see the pod's log.`,
      },
    },
    {
      alert: 'BerthTargetDown',
      expr: `${selector(m.up, { job: target.job, namespace: target.namespace })} == 0`,
      for: t.for.notReady,
      labels: { severity: 'critical' },
      annotations: {
        summary: `Prometheus cannot scrape ${target.job}`,
        description: `{{ $labels.instance }} of job ${target.job} has not answered /metrics for ${t.for.notReady}: the pod is down, restarting or unreachable (job is the Service name when scraped through the ServiceMonitor).`,
      },
    },
    {
      alert: 'BerthFeatureDrift',
      expr: `max by (namespace, job, model, version, feature) (${selector(m.featureDrift, { model, method: psiMethod })})\n  > ${t.driftPsi}`,
      for: t.for.drift,
      labels: { severity: 'warning' },
      annotations: {
        summary: `Model ${model}: input feature drifted (PSI > ${t.driftPsi})`,
        description: `Feature {{ $labels.feature }} of {{ $labels.model }} version {{ $labels.version }} has PSI {{ $value | printf "%.3f" }} against the reference profile for ${t.for.drift}. The model still answers 200s, but on inputs unlike its training data; see GET /v2/models/{{ $labels.model }}/drift.`,
      },
    },
    {
      alert: 'BerthAccuracyDrop',
      expr: `min by (namespace, job, model, version) (${selector(m.liveAccuracy, { model })})\n  < ${t.minAccuracy}\n  and on (namespace, job, model, version) min by (namespace, job, model, version) (${selector(m.feedbackSamples, { model })}) >= ${t.minFeedbackSamples}`,
      for: t.for.accuracy,
      labels: { severity: 'warning' },
      annotations: {
        summary: `Model ${model}: live accuracy below ${percent(t.minAccuracy)}`,
        description: `Live accuracy of {{ $labels.model }} version {{ $labels.version }} (predictions matched with feedback) is {{ $value | humanizePercentage }} for ${t.for.accuracy} (over at least ${t.minFeedbackSamples} outcomes). Compare with the drift report: inputs unlike the training data, or a changed relation between inputs and truth?`,
      },
    },
  ];
}

/**
 * A Prometheus Operator PrometheusRule (monitoring.coreos.com/v1,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule).
 * A Prometheus picks it up when its ruleSelector matches these labels (kube-prometheus-stack
 * selects `release: <its release>` by default; add that label with kustomize if yours does).
 */
export function prometheusRule(context: ManifestContext, thresholds: AlertThresholds): KubeObject {
  const { options, facts } = context;
  const rules = alertRules({ model: facts.name, job: options.name, namespace: options.namespace, thresholds });
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: objectMeta(context),
    spec: { groups: [{ name: `berth.${options.name}`, rules }] },
  };
}
