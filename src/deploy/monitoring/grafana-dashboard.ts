import { berthVersion } from '../../core/version.js';
import { labelVariable, rowPanel, timeseriesPanel, type TimeseriesSpec } from './grafana-panels.js';
import { inferenceRoutePattern, metricNames as m, psiMethod } from '../../core/metric-names.js';
import { histogramQuantile, selector, sumRate, type Matchers } from './promql.js';
import type { AlertThresholds } from './thresholds.js';

export interface DashboardRequest {
  title: string;
  /** Grafana uid: at most 40 characters; stable so re-importing replaces the dashboard. */
  uid: string;
  thresholds: AlertThresholds;
}

/** Grafana's own per-panel window: at least four scrape intervals. */
const w = '$__rate_interval';
const scope: Matchers = { namespace: { re: '$namespace' }, job: { re: '$job' } };
const modelScope: Matchers = { ...scope, model: { re: '$model' } };
const inference: Matchers = { ...modelScope, route: { re: inferenceRoutePattern } };

/**
 * The Grafana dashboard for Berth, as importable JSON (Dashboards → New → Import): pick a
 * Prometheus datasource for the DS_PROMETHEUS input. Variables select namespace, job (the Service
 * when scraped through the ServiceMonitor) and model. Pure: writing the file is the caller's job.
 */
export function grafanaDashboard(request: DashboardRequest): Record<string, unknown> {
  const t = request.thresholds;
  const rows: Array<{ title: string; panels: TimeseriesSpec[] }> = [
    {
      title: 'Traffic',
      panels: [
        {
          title: 'Request rate',
          description: 'Inference requests per second (every dialect over HTTP), by model.',
          unit: 'reqps',
          min: 0,
          targets: [{ expr: sumRate(m.httpRequests, inference, w, ['model']), legend: '{{model}}' }],
        },
        {
          title: 'Error rate',
          description: `Share of inference requests answered 5xx (Berth's faults, alert above ${t.errorRatio}) and 4xx (the callers' mistakes).`,
          unit: 'percentunit',
          min: 0,
          threshold: t.errorRatio,
          targets: [
            {
              expr: `${sumRate(m.httpRequests, { ...inference, status: { re: '5..' } }, w, ['model'])} / ${sumRate(m.httpRequests, inference, w, ['model'])}`,
              legend: '5xx {{model}}',
            },
            {
              expr: `${sumRate(m.httpRequests, { ...inference, status: { re: '4..' } }, w, ['model'])} / ${sumRate(m.httpRequests, inference, w, ['model'])}`,
              legend: '4xx {{model}}',
            },
          ],
        },
        {
          title: 'Predictions per second',
          description: 'Rows predicted per second (a batch request counts each row), by model version.',
          unit: 'short',
          min: 0,
          stack: true,
          targets: [
            { expr: sumRate(m.inferenceRows, modelScope, w, ['model', 'version']), legend: '{{model}} v{{version}}' },
          ],
        },
      ],
    },
    {
      title: 'Latency',
      panels: [
        {
          title: 'Request latency p50 / p95 / p99',
          description: `Time from request received to response sent, estimated from the histogram buckets. SLO p99 ${t.sloP99Ms} ms.`,
          unit: 's',
          min: 0,
          threshold: t.sloP99Ms / 1000,
          targets: [0.5, 0.95, 0.99].map((q) => ({
            expr: histogramQuantile(q, m.httpDuration, inference, w, ['model']),
            legend: `p${q * 100} {{model}}`,
          })),
        },
        {
          title: 'Inference latency p99 by version',
          description: 'Time in the data plane (queue + model) per request, any protocol (HTTP and gRPC).',
          unit: 's',
          min: 0,
          targets: [
            {
              expr: histogramQuantile(0.99, m.inferenceDuration, modelScope, w, ['model', 'version']),
              legend: '{{model}} v{{version}}',
            },
          ],
        },
        {
          title: 'Failed inferences by code',
          description:
            'Inference requests that failed, by Berth error code (BERTH_OVERLOADED, BERTH_DEADLINE_EXCEEDED…).',
          unit: 'reqps',
          min: 0,
          targets: [
            { expr: sumRate(m.inferenceErrors, modelScope, w, ['model', 'code']), legend: '{{model}} {{code}}' },
          ],
        },
      ],
    },
    {
      title: 'Batching',
      panels: [
        {
          title: 'Batch size',
          description: 'Rows per model call after adaptive batching: mean and p95.',
          unit: 'short',
          min: 0,
          targets: [
            {
              expr: `${sumRate(`${m.batchSize}_sum`, modelScope, w, ['model'])} / ${sumRate(`${m.batchSize}_count`, modelScope, w, ['model'])}`,
              legend: 'mean {{model}}',
            },
            { expr: histogramQuantile(0.95, m.batchSize, modelScope, w, ['model']), legend: 'p95 {{model}}' },
          ],
        },
        {
          title: 'Queue time p50 / p99',
          description: 'Time a request waited in the batch queue before its model call.',
          unit: 's',
          min: 0,
          targets: [0.5, 0.99].map((q) => ({
            expr: histogramQuantile(q, m.queueDuration, modelScope, w, ['model']),
            legend: `p${q * 100} {{model}}`,
          })),
        },
        {
          title: 'Queue depth and shed requests',
          description:
            'Requests waiting in the batch queue, and requests refused for overload (429) or deadline (504).',
          unit: 'short',
          min: 0,
          targets: [
            { expr: `sum by (model) (${selector(m.queueDepth, modelScope)})`, legend: 'queued {{model}}' },
            { expr: sumRate(m.shed, modelScope, w, ['model', 'reason']), legend: 'shed/s {{model}} {{reason}}' },
          ],
        },
      ],
    },
    {
      title: 'Pods',
      panels: [
        {
          title: 'CPU per pod',
          description: "CPU cores used by each pod's Berth process (compare with the CPU request/limit).",
          unit: 'short',
          min: 0,
          targets: [{ expr: sumRate(m.processCpu, scope, w, ['pod']), legend: '{{pod}}' }],
        },
        {
          title: 'Memory per pod',
          description:
            "Resident memory of each pod's Berth process (compare with the memory limit: the OOMKilled gotcha).",
          unit: 'bytes',
          min: 0,
          targets: [{ expr: `sum by (pod) (${selector(m.processMemory, scope)})`, legend: '{{pod}}' }],
        },
        {
          title: 'Ready model versions',
          description: `${m.modelReady} per pod and version (1 = serving); scrape targets up.`,
          unit: 'short',
          min: 0,
          targets: [
            {
              expr: `sum by (model, version) (${selector(m.modelReady, modelScope)})`,
              legend: 'ready {{model}} v{{version}}',
            },
            { expr: `sum(${selector(m.up, scope)})`, legend: 'targets up' },
          ],
        },
      ],
    },
    {
      title: 'Model quality',
      panels: [
        {
          title: 'Drift per feature (PSI)',
          description: `Population Stability Index of each input feature, and of the predictions, against the reference profile; above ${t.driftPsi} the server flags it.`,
          unit: 'short',
          min: 0,
          threshold: t.driftPsi,
          targets: [
            {
              expr: `max by (model, feature) (${selector(m.featureDrift, { ...modelScope, method: psiMethod })})`,
              legend: '{{model}} {{feature}}',
            },
            {
              expr: `max by (model) (${selector(m.predictionDrift, { ...modelScope, method: psiMethod })})`,
              legend: '{{model}} prediction',
            },
          ],
        },
        {
          title: 'Live accuracy',
          description: `Accuracy of recent predictions matched with feedback (POST /v2/models/{name}/feedback), classifiers; alert below ${t.minAccuracy}.`,
          unit: 'percentunit',
          min: 0,
          max: 1,
          threshold: t.minAccuracy,
          thresholdBelow: true,
          targets: [
            {
              expr: `min by (model, version) (${selector(m.liveAccuracy, modelScope)})`,
              legend: '{{model}} v{{version}}',
            },
          ],
        },
        {
          title: 'Live error (regression)',
          description: 'MAE and RMSE of recent predictions matched with feedback, regressors.',
          unit: 'short',
          min: 0,
          targets: [
            {
              expr: `max by (model, version) (${selector(m.liveMae, modelScope)})`,
              legend: 'MAE {{model}} v{{version}}',
            },
            {
              expr: `max by (model, version) (${selector(m.liveRmse, modelScope)})`,
              legend: 'RMSE {{model}} v{{version}}',
            },
          ],
        },
      ],
    },
  ];

  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push(rowPanel(id++, row.title, y));
    y += 1;
    const width = 24 / row.panels.length;
    row.panels.forEach((spec, index) =>
      panels.push(timeseriesPanel(id++, spec, { x: index * width, y, w: width, h: 8 })),
    );
    y += 8;
  }

  const readySource = selector(m.modelReady);
  return {
    __inputs: [
      {
        name: 'DS_PROMETHEUS',
        label: 'Prometheus',
        description: 'The Prometheus that scrapes Berth',
        type: 'datasource',
        pluginId: 'prometheus',
        pluginName: 'Prometheus',
      },
    ],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
      { type: 'datasource', id: 'prometheus', name: 'Prometheus', version: '1.0.0' },
      { type: 'panel', id: 'timeseries', name: 'Time series', version: '' },
    ],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description: `Berth inference service: traffic, latency, batching, pods, drift and live accuracy (generated by berth ${berthVersion}).`,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [],
    panels,
    refresh: '30s',
    schemaVersion: 39,
    tags: ['berth', 'inference'],
    templating: {
      list: [
        labelVariable('namespace', 'namespace', readySource),
        labelVariable('job', 'job', selector(m.modelReady, { namespace: { re: '$namespace' } })),
        labelVariable('model', 'model', selector(m.modelReady, scope)),
      ],
    },
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: '',
    title: request.title,
    uid: request.uid,
    version: 1,
    weekStart: '',
  };
}
