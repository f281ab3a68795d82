import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grafanaDashboard } from '../../../src/deploy/monitoring/grafana-dashboard.js';
import { alertThresholds } from '../../../src/deploy/monitoring/thresholds.js';
import { toYaml } from '../../../src/deploy/yaml-writer.js';
import { defaultSettings, type Loose } from '../support/fixtures.js';
import { exportedMetrics, isExported, metricNamesIn, promtool } from './support.js';

const thresholds = alertThresholds(
  defaultSettings({ monitoring: { alerts: { sloP99Ms: 120 }, drift: { psiThreshold: 0.25 } } }).monitoring,
);
const dashboard = grafanaDashboard({ title: 'Berth: iris', uid: 'berth-iris', thresholds }) as Loose;
const panels: Loose[] = dashboard.panels;
const graphs = panels.filter((panel) => panel.type !== 'row');
const targets: Loose[] = graphs.flatMap((panel) => panel.targets);

test('the dashboard is an importable Grafana JSON model', () => {
  assert.equal(typeof dashboard.schemaVersion, 'number');
  assert.ok(dashboard.schemaVersion >= 36, 'timeseries panels and datasource objects need schemaVersion ≥ 36');
  assert.equal(dashboard.id, null, 'an import must not carry a database id');
  assert.equal(dashboard.uid, 'berth-iris');
  assert.ok(dashboard.uid.length <= 40);
  assert.deepEqual(
    dashboard.__inputs.map((input: Loose) => [input.name, input.type, input.pluginId]),
    [['DS_PROMETHEUS', 'datasource', 'prometheus']],
  );
  assert.ok(dashboard.__requires.some((entry: Loose) => entry.id === 'timeseries'));
  // JSON round trip: nothing a file cannot hold (undefined, functions, NaN).
  assert.deepEqual(JSON.parse(JSON.stringify(dashboard)), dashboard);
});

test('panel ids are unique and the grid is 24 columns without overlaps', () => {
  const ids = panels.map((panel) => panel.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id) => Number.isInteger(id) && id > 0));
  const cells = new Set<string>();
  for (const { gridPos: g, title } of panels) {
    assert.ok(g.x >= 0 && g.w > 0 && g.x + g.w <= 24, `${title} fits in 24 columns`);
    for (let x = g.x; x < g.x + g.w; x++)
      for (let y = g.y; y < g.y + g.h; y++) {
        assert.ok(!cells.has(`${x},${y}`), `${title} overlaps another panel at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
  }
});

test('it has the panels the seed asks for', () => {
  const titles = graphs.map((panel) => panel.title).join('\n');
  for (const wanted of [
    /Request rate/,
    /Error rate/,
    /p50 \/ p95 \/ p99/,
    /Predictions per second/,
    /Batch size/,
    /Queue time/,
    /CPU per pod/,
    /Memory per pod/,
    /Drift per feature/,
    /Live accuracy/,
  ])
    assert.match(titles, wanted);
  assert.deepEqual(
    panels.filter((panel) => panel.type === 'row').map((panel) => panel.title),
    ['Traffic', 'Latency', 'Batching', 'Pods', 'Model quality'],
  );
  const cpu = graphs.find((panel) => panel.title === 'CPU per pod');
  assert.match(cpu.targets[0].expr, /sum by \(pod\) \(rate\(process_cpu_seconds_total/);
  const memory = graphs.find((panel) => panel.title === 'Memory per pod');
  assert.match(memory.targets[0].expr, /sum by \(pod\) \(process_resident_memory_bytes/);
});

test('every target queries the DS_PROMETHEUS input with unique refIds per panel', () => {
  for (const panel of graphs) {
    assert.deepEqual(panel.datasource, { type: 'prometheus', uid: '${DS_PROMETHEUS}' });
    const refIds = panel.targets.map((target: Loose) => target.refId);
    assert.equal(new Set(refIds).size, refIds.length, panel.title);
    for (const target of panel.targets) assert.deepEqual(target.datasource, panel.datasource);
  }
  for (const variable of dashboard.templating.list)
    assert.deepEqual(variable.datasource, { type: 'prometheus', uid: '${DS_PROMETHEUS}' });
});

test('every expression selects metrics Berth exports, and only defined variables', async () => {
  const exported = await exportedMetrics();
  const defined = new Set([...dashboard.templating.list.map((variable: Loose) => variable.name), '__rate_interval']);
  for (const target of targets) {
    const names = metricNamesIn(target.expr);
    assert.ok(names.length > 0, target.expr);
    for (const name of names)
      assert.ok(isExported(name, exported), `${name} in ${target.expr} is not exported by src/observe/metrics.ts`);
    for (const [, variable] of target.expr.matchAll(/\$(\w+)/g))
      assert.ok(defined.has(variable), `$${variable} in ${target.expr}`);
  }
});

test('thresholds come from the settings (berth.yaml monitoring:)', () => {
  const latency = graphs.find((panel) => /p99$/.test(panel.title));
  assert.equal(latency.fieldConfig.defaults.thresholds.steps.at(-1).value, 0.12);
  const drift = graphs.find((panel) => /Drift/.test(panel.title));
  assert.equal(drift.fieldConfig.defaults.thresholds.steps.at(-1).value, 0.25);
  assert.equal(drift.fieldConfig.defaults.custom.thresholdsStyle.mode, 'dashed');
});

test('promtool parses every panel expression', async (t) => {
  const run = await promtool(t);
  if (!run) return;
  // Grafana substitutes variables before Prometheus sees a query: do the same with plausible values.
  const concrete = (expr: string) => expr.replace(/\$__rate_interval/g, '1m').replace(/\$(namespace|job|model)/g, '.*');
  const rules = targets.map((target, index) => ({
    record: `berth:dashboard_panel_${index}`,
    expr: concrete(target.expr),
  }));
  const file = join(await mkdtemp(join(tmpdir(), 'berth-grafana-')), 'panels.yaml');
  await writeFile(file, toYaml({ groups: [{ name: 'dashboard', rules }] }));
  const result = await run(['check', 'rules', file]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
});
