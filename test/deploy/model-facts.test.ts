import { resolveConfig } from '../../src/core/config.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BerthError } from '../../src/core/errors.js';
import { measureModel } from '../../src/deploy/measure-model.js';
import { imageTag, withOverrides } from '../../src/deploy/model-facts.js';
import { prepareManifests } from '../../src/deploy/prepare.js';
import { irisFacts } from './support/fixtures.js';
import { berthCli } from '../helpers/berth-cli.js';

const fixture = new URL('../fixtures/models/sk-forest-int/', import.meta.url).pathname;

test('the tag of an image reference is after the last colon that is not a registry port', () => {
  assert.equal(imageTag('registry:5000/ml/iris:3-abc'), '3-abc');
  assert.equal(imageTag('registry:5000/ml/iris'), undefined);
});

test('flags override measured facts', () => {
  const facts = withOverrides(irisFacts(), { peakRssMb: 900 });
  assert.deepEqual([facts.peakRssBytes, facts.loadSeconds, facts.measuredBy], [900 * 2 ** 20, 1, 'flags']);
  assert.equal(withOverrides(irisFacts(), {}).measuredBy, 'child-process');
});

test('measures a real server under the largest requests its settings allow, as many as its body budget admits', async () => {
  const { settings } = resolveConfig({});
  const measured = await measureModel(join(fixture, 'model.onnx'), { settings, rounds: 2, cli: berthCli });
  assert.ok(measured.loadSeconds > 0);
  assert.ok(
    measured.peakRssBytes > 30 * 2 ** 20,
    `a node process with onnxruntime uses more than 30 MiB, got ${measured.peakRssBytes}`,
  );
  // iris takes [N, 4]: 100,000 rows (maxRows) fit the 4 MiB body limit, alternating with bodies
  // that fill the limit, as many as the budget (two full bodies) admits, plus one.
  assert.equal(measured.load.rows, settings.limits.maxRows);
  assert.ok(
    measured.load.concurrency > 2 && measured.load.requests === measured.load.concurrency * 2,
    JSON.stringify(measured.load),
  );
  assert.ok(measured.load.statuses['200']! > 0, JSON.stringify(measured.load.statuses));
  assert.deepEqual(
    Object.keys(measured.load.statuses).filter((status) => !['200', '413', '429'].includes(status)),
    [],
    'no answer but served, too large (the full body) or shed',
  );
  await assert.rejects(
    measureModel(join(fixture, 'cases.json'), { settings, cli: berthCli }),
    (error: BerthError) => error.code === 'BERTH_MEASURE_FAILED',
  );
});

test('measures a model with its session on both sides, as a server under load holds it', async () => {
  // The bench forest's session takes ~105 MB on each side; node with onnxruntime ~60 MB. Few rows
  // keep the test short; 2,000 still run on the onnxruntime thread.
  const { settings } = resolveConfig({ flags: { 'limits.maxRows': 2000 } });
  const measured = await measureModel('test/fixtures/models/bench-forest/model.onnx', {
    settings,
    rounds: 1,
    cli: berthCli,
  });
  assert.ok(
    measured.peakRssBytes > 250 * 2 ** 20,
    `peak RSS ${Math.round(measured.peakRssBytes / 2 ** 20)} MiB leaves out one of the forest's two sessions`,
  );
});

test('prepareManifests: model folder → measured facts → manifests, berth.yaml deploy: section applied', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-deploy-'));
  await copyFile(join(fixture, 'model.onnx'), join(dir, 'model.onnx'));
  await writeFile(
    join(dir, 'berth.yaml'),
    'model:\n  name: iris\nserver:\n  drainSeconds: 40\ndeploy:\n  autoscaling:\n    minReplicas: 2\n',
  );
  const prepared = await prepareManifests({
    ref: dir,
    flags: { serviceMonitor: true },
    overrides: { loadSeconds: 2 },
    measure: (path, settings) => measureModel(path, { settings, rounds: 1, cli: berthCli }),
  });
  assert.equal(prepared.facts.measuredBy, 'flags');
  assert.equal(prepared.facts.loadSeconds, 2);
  assert.ok(prepared.facts.peakRssBytes! > 0, 'peak RSS still measured');
  assert.equal(prepared.options.autoscaling.minReplicas, 2);
  assert.ok(prepared.files.some((entry) => entry.object.kind === 'ServiceMonitor'));
  assert.ok(
    !prepared.warnings.some((warning) => /unknown section `deploy`/.test(warning)),
    'deploy: is not an unknown server section',
  );
  const env = (prepared.files.find((entry) => entry.object.kind === 'Deployment')!.object as any).spec.template.spec
    .containers[0].env;
  assert.deepEqual(
    env.find((entry: { name: string }) => entry.name === 'BERTH_DRAIN_SECONDS'),
    { name: 'BERTH_DRAIN_SECONDS', value: '40' },
  );
});
