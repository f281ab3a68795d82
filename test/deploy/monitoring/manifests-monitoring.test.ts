import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { manifests } from '../../../src/cli/commands/manifests.js';
import { dashboardUid } from '../../../src/deploy/monitoring/monitoring-files.js';
import { renderManifests } from '../../../src/deploy/yaml-writer.js';
import { generate } from '../support/fixtures.js';

const fixture = new URL('../../fixtures/models/sk-forest-int/', import.meta.url).pathname;

test('--monitoring adds the PrometheusRule (in kustomization.yaml) and the Grafana dashboard (beside it)', () => {
  const plain = generate();
  assert.equal(
    plain.files.some((entry) => entry.object.kind === 'PrometheusRule'),
    false,
  );
  assert.deepEqual(plain.attachments, []);

  const set = generate({ monitoring: true });
  assert.deepEqual(
    set.files.map((entry) => entry.file),
    ['service.yaml', 'deployment.yaml', 'hpa.yaml', 'pdb.yaml', 'prometheus-rule.yaml'],
  );
  assert.deepEqual(
    set.attachments.map((entry) => entry.file),
    ['grafana-dashboard.json'],
  );
  const dashboard = JSON.parse(set.attachments[0]!.text);
  assert.equal(dashboard.title, 'Berth: iris');
  const kustomization = parseYaml(
    renderManifests(set.files).find((entry) => entry.file === 'kustomization.yaml')!.text,
  );
  assert.deepEqual(kustomization.resources, [
    'service.yaml',
    'deployment.yaml',
    'hpa.yaml',
    'pdb.yaml',
    'prometheus-rule.yaml',
  ]);

  assert.equal(
    generate({}, { file: { monitoring: true } }).files.at(-1)!.file,
    'prometheus-rule.yaml',
    'berth.yaml deploy.monitoring: true',
  );
  assert.deepEqual(
    generate({ monitoring: true, format: 'kserve' }).files.map((entry) => entry.file),
    ['inferenceservice.yaml', 'prometheus-rule.yaml'],
  );
});

test('dashboard uids are stable, short and Grafana-safe', () => {
  assert.equal(dashboardUid('iris'), 'berth-iris');
  assert.equal(dashboardUid('iris', 'ml'), 'berth-ml-iris');
  const long = dashboardUid('a'.repeat(63), 'n'.repeat(63));
  assert.equal(long.length, 40);
  assert.match(long, /^[A-Za-z0-9_-]+$/);
});

test('berth manifests --monitoring --out writes prometheus-rule.yaml and grafana-dashboard.json', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'berth-monitoring-')), 'k8s');
  const command = manifests.configure(new Command('manifests').exitOverride()).option('--json');
  let options: Record<string, unknown> = {};
  command.action((_ref: unknown, _opts: unknown, self: Command) => {
    options = self.opts();
  });
  command.parse([fixture, '--monitoring', '--out', out, '--no-measure', '--json'], { from: 'user' });
  assert.equal(options.monitoring, true);
  await manifests.run([fixture], options);
  const files = (await readdir(out)).sort();
  assert.deepEqual(files, [
    'deployment.yaml',
    'grafana-dashboard.json',
    'hpa.yaml',
    'kustomization.yaml',
    'pdb.yaml',
    'prometheus-rule.yaml',
    'service.yaml',
  ]);
  const rule = parseYaml(await readFile(join(out, 'prometheus-rule.yaml'), 'utf8'));
  assert.equal(rule.kind, 'PrometheusRule');
  const dashboard = JSON.parse(await readFile(join(out, 'grafana-dashboard.json'), 'utf8'));
  assert.equal(dashboard.__inputs[0].name, 'DS_PROMETHEUS');
});
