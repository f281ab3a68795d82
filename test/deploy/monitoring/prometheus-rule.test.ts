import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { alertRules, type AlertRule } from '../../../src/deploy/monitoring/prometheus-rule.js';
import { alertThresholds } from '../../../src/deploy/monitoring/thresholds.js';
import { toYaml } from '../../../src/deploy/yaml-writer.js';
import { defaultSettings, generate, objectOf, type Loose } from '../support/fixtures.js';
import { exportedMetrics, isExported, metricNamesIn, promtool } from './support.js';

const set = generate({ monitoring: true, namespace: 'ml' });
const rule = objectOf(set, 'PrometheusRule') as Loose;
const rules: AlertRule[] = rule.spec.groups[0].rules;

test('the PrometheusRule is valid against the Prometheus Operator CRD schema', () => {
  assert.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(rule.metadata.name, 'iris');
  assert.equal(rule.metadata.namespace, 'ml');
  assert.equal(rule.metadata.labels['app.kubernetes.io/name'], 'iris');
  new PrometheusRule(structuredClone(rule)).validate();
  // The schema catches what the Operator would reject, e.g. a rule with neither alert nor record… type errors at least:
  assert.throws(() =>
    new PrometheusRule({
      ...structuredClone(rule),
      spec: { groups: [{ name: 'x', rules: [{ alert: 'A', expr: 'up', for: 5 }] }] },
    } as never).validate(),
  );
});

test('the alerts the seed asks for, with the configured thresholds', () => {
  assert.deepEqual(
    rules.map((entry) => entry.alert),
    [
      'BerthHighErrorRate',
      'BerthLatencyP99OverSLO',
      'BerthModelNotReady',
      'BerthTargetDown',
      'BerthFeatureDrift',
      'BerthAccuracyDrop',
    ],
  );
  for (const entry of rules) {
    assert.ok(['critical', 'warning'].includes(entry.labels.severity!), entry.alert);
    assert.ok(entry.annotations.summary && entry.annotations.description, entry.alert);
    assert.match(entry.for, /^\d+[smh]$/);
  }
  const custom = alertRules({
    model: 'iris',
    job: 'iris',
    thresholds: alertThresholds(
      defaultSettings({
        monitoring: { alerts: { sloP99Ms: 250, errorRatio: 0.01, minAccuracy: 0.9 }, drift: { psiThreshold: 0.3 } },
      }).monitoring,
    ),
  });
  const expr = (name: string) => custom.find((entry) => entry.alert === name)!.expr;
  assert.match(expr('BerthLatencyP99OverSLO'), /> 0\.25$/);
  assert.match(expr('BerthHighErrorRate'), /> 0\.01$/);
  assert.match(expr('BerthFeatureDrift'), /> 0\.3$/);
  assert.match(expr('BerthAccuracyDrop'), /< 0\.9\n/);
  assert.doesNotMatch(expr('BerthTargetDown'), /namespace/, 'no namespace chosen: none in the selector');
});

test('every alert expression selects metrics Berth exports', async () => {
  const exported = await exportedMetrics();
  for (const entry of rules) {
    for (const name of metricNamesIn(entry.expr)) assert.ok(isExported(name, exported), `${name} in ${entry.alert}`);
  }
});

test('promtool accepts the rules', async (t) => {
  const run = await promtool(t);
  if (!run) return;
  const dir = await mkdtemp(join(tmpdir(), 'berth-rules-'));
  await writeFile(join(dir, 'rules.yaml'), toYaml(rule.spec));
  const result = await run(['check', 'rules', join(dir, 'rules.yaml')]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /SUCCESS: 6 rules found/);
});

/** `promtool test rules` cases (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/). */
const where = 'namespace="ml", job="iris", instance="10.0.0.7:8000", pod="iris-0"';
const fires = (alertname: string, at: string, labels: Record<string, string>) => ({
  eval_time: at,
  alertname,
  exp_alerts: [{ exp_labels: { severity: labels.severity ?? 'critical', ...labels } }],
});
const silent = (alertname: string, at: string) => ({ eval_time: at, alertname, exp_alerts: [] });
const scope = { namespace: 'ml', job: 'iris', model: 'iris' };
const cases = [
  {
    name: '10% 5xx on inference routes fires after 5m; 5xx on other routes do not count',
    input_series: [
      {
        series: `berth_http_requests_total{${where}, model="iris", route="/predict", status="200"}`,
        values: '0+900x40',
      },
      {
        series: `berth_http_requests_total{${where}, model="iris", route="/v2/models/:name/infer", status="503"}`,
        values: '0+100x40',
      },
      { series: `berth_http_requests_total{${where}, model="", route="/metrics", status="500"}`, values: '0+5000x40' },
    ],
    alert_rule_test: [silent('BerthHighErrorRate', '4m'), fires('BerthHighErrorRate', '15m', scope)],
  },
  {
    name: '1% 5xx stays quiet',
    input_series: [
      {
        series: `berth_http_requests_total{${where}, model="iris", route="/predict", status="200"}`,
        values: '0+990x40',
      },
      {
        series: `berth_http_requests_total{${where}, model="iris", route="/predict", status="500"}`,
        values: '0+10x40',
      },
    ],
    alert_rule_test: [silent('BerthHighErrorRate', '30m')],
  },
  {
    name: 'p99 of 50–100 ms is over a 50 ms SLO; 1–10 ms is not',
    input_series: [
      ...['0.01', '0.05', '0.1', '+Inf'].map((le) => ({
        series: `berth_http_request_duration_seconds_bucket{${where}, model="iris", route="/predict", le="${le}"}`,
        values: le === '0.01' || le === '0.05' ? '0+0x40' : '0+100x40',
      })),
    ],
    alert_rule_test: [
      silent('BerthLatencyP99OverSLO', '9m'),
      fires('BerthLatencyP99OverSLO', '20m', { ...scope, severity: 'warning' }),
    ],
  },
  {
    name: 'fast requests keep the latency alert quiet',
    input_series: ['0.01', '0.05', '+Inf'].map((le) => ({
      series: `berth_http_request_duration_seconds_bucket{${where}, model="iris", route="/predict", le="${le}"}`,
      values: '0+100x40',
    })),
    alert_rule_test: [silent('BerthLatencyP99OverSLO', '30m')],
  },
  {
    name: 'not ready and target down',
    input_series: [
      { series: `berth_model_ready{${where}, model="iris", version="3"}`, values: '1x5 0x20' },
      { series: `up{${where}}`, values: '1x5 0x20' },
    ],
    alert_rule_test: [
      silent('BerthModelNotReady', '8m'),
      fires('BerthModelNotReady', '12m', {
        namespace: 'ml',
        job: 'iris',
        instance: '10.0.0.7:8000',
        pod: 'iris-0',
        model: 'iris',
        version: '3',
      }),
      fires('BerthTargetDown', '12m', { namespace: 'ml', job: 'iris', instance: '10.0.0.7:8000', pod: 'iris-0' }),
    ],
  },
  {
    name: 'a drifted feature fires by feature; KS statistics and calm features do not',
    input_series: [
      {
        series: `berth_feature_drift{${where}, model="iris", version="3", feature="petal_length", method="psi"}`,
        values: '0.05x5 1.7x30',
      },
      {
        series: `berth_feature_drift{${where}, model="iris", version="3", feature="sepal_width", method="psi"}`,
        values: '0.02x40',
      },
      {
        series: `berth_feature_drift{${where}, model="iris", version="3", feature="sepal_width", method="ks_statistic"}`,
        values: '0.9x40',
      },
    ],
    alert_rule_test: [
      silent('BerthFeatureDrift', '15m'),
      fires('BerthFeatureDrift', '25m', { ...scope, version: '3', feature: 'petal_length', severity: 'warning' }),
    ],
  },
  {
    name: 'accuracy drop fires with enough feedback',
    input_series: [
      { series: `berth_live_accuracy{${where}, model="iris", version="3"}`, values: '0.97x10 0.6x50' },
      { series: `berth_feedback_samples{${where}, model="iris", version="3"}`, values: '400x60' },
    ],
    alert_rule_test: [
      silent('BerthAccuracyDrop', '30m'),
      fires('BerthAccuracyDrop', '50m', { ...scope, version: '3', severity: 'warning' }),
    ],
  },
  {
    name: 'low accuracy from a handful of outcomes is not an alert',
    input_series: [
      { series: `berth_live_accuracy{${where}, model="iris", version="3"}`, values: '0.5x60' },
      { series: `berth_feedback_samples{${where}, model="iris", version="3"}`, values: '4x60' },
    ],
    alert_rule_test: [silent('BerthAccuracyDrop', '55m')],
  },
];

test('promtool unit tests: each alert fires on the failure it names and stays quiet otherwise', async (t) => {
  const run = await promtool(t);
  if (!run) return;
  const dir = await mkdtemp(join(tmpdir(), 'berth-rules-'));
  // Annotations are templates checked by `check rules`; the unit tests compare labels only.
  const bare = { groups: [{ name: 'berth', rules: rules.map(({ annotations: _annotations, ...entry }) => entry) }] };
  await writeFile(join(dir, 'rules.yaml'), toYaml(bare));
  await writeFile(
    join(dir, 'tests.yaml'),
    toYaml({
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: cases.map(({ name: _name, ...entry }) => ({ interval: '1m', ...entry })),
    }),
  );
  const result = await run(['test', 'rules', join(dir, 'tests.yaml')]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
});
