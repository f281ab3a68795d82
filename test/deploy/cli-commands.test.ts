import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import { deploy } from '../../src/cli/commands/deploy.js';
import { manifests } from '../../src/cli/commands/manifests.js';
import { deploymentName } from '../../src/cli/commands/rollback.js';

const fixture = new URL('../fixtures/models/sk-forest-int/', import.meta.url).pathname;

/** Parses argv with the command's own flag definitions, as `berth` would. */
function parse(definition: typeof manifests, argv: string[]): { args: string[]; options: Record<string, unknown> } {
  let captured: { args: string[]; options: Record<string, unknown> } | undefined;
  // main.ts adds --json to every command.
  const command = definition
    .configure(new Command(definition.name).exitOverride())
    .option('--json')
    .action((...params: unknown[]) => {
      const self = params.at(-1) as Command;
      captured = { args: params.slice(0, -2) as string[], options: self.opts() };
    });
  command.parse(argv, { from: 'user' });
  return captured!;
}

test('flags parse into the options the deploy area reads', () => {
  const { args, options } = parse(manifests, [
    fixture,
    '--no-hpa',
    '--replicas',
    '4',
    '--limits-memory',
    '1Gi',
    '--network-policy',
    '--format',
    'kserve',
  ]);
  assert.deepEqual(args, [fixture]);
  assert.deepEqual(
    [
      options.hpa,
      options.replicas,
      options.limitsMemory,
      options.networkPolicy,
      options.format,
      options.serviceMonitor,
    ],
    [false, '4', '1Gi', true, 'kserve', undefined],
  );
  assert.equal(parse(manifests, [fixture]).options.hpa, undefined, 'the HPA flag is unset unless given');
  assert.equal(parse(deploy, [fixture, '--dry-run=server']).options.dryRun, 'server');
  assert.equal(parse(deploy, [fixture, '--dry-run']).options.dryRun, true);
});

test('berth manifests --out writes the files and kustomization.yaml', async () => {
  const out = join(await mkdtemp(join(tmpdir(), 'berth-cli-')), 'k8s');
  const { options } = parse(manifests, [
    fixture,
    '--out',
    out,
    '--no-measure',
    '--peak-rss-mb',
    '120',
    '--load-seconds',
    '1',
    '--json',
  ]);
  const result = await manifests.run([fixture], options);
  assert.deepEqual((await readdir(out)).sort(), [
    'deployment.yaml',
    'hpa.yaml',
    'kustomization.yaml',
    'pdb.yaml',
    'service.yaml',
  ]);
  assert.match(result!.text!, /kubectl apply -k/);
  assert.deepEqual((result!.data as { warnings: string[] }).warnings, []);
});

test('berth deploy --dry-run prints the objects without a cluster', async () => {
  const { options } = parse(deploy, [fixture, '--dry-run', '--no-measure', '--json']);
  const result = await deploy.run([fixture], options);
  const kinds = parseAllDocuments(result!.text!).map((document) => (document.toJS() as { kind: string }).kind);
  assert.deepEqual(kinds, ['Service', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
  await assert.rejects(deploy.run([fixture], { ...options, dryRun: 'sideways' }), /--dry-run takes client or server/);
});

test('rollback and status accept a deployment name or the model reference', async () => {
  assert.equal(await deploymentName('iris'), 'iris');
  assert.equal(await deploymentName('Iris_v2@production'), 'iris-v2');
});
