import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, deleteNamespace, freshNamespace, kubectl, kubectlOk, log, skip, until } from './support/testbed.js';

/**
 * `kubectl apply --dry-run=server -k DIR` — validation, defaulting and admission by the real API
 * server, strict field validation included (kubectl's default), nothing stored — for every variant
 * `berth manifests` writes. The Prometheus Operator and KServe kinds need their CRDs; they are
 * installed from the official YAML committed in test/cluster/crds/ (provenance in its README),
 * and the variants that use them are first shown to be refused without them.
 */
const ns = 'berth-ct-dry-run';
const crdDir = 'test/cluster/crds';

interface Variant {
  name: string;
  flags: string[];
  files: string[];
  /** CRD (plural.group) the variant needs. */
  needs?: string[];
}

const base = ['service.yaml', 'deployment.yaml', 'hpa.yaml', 'pdb.yaml'];
const variants: Variant[] = [
  { name: 'plain', flags: [], files: base },
  {
    name: 'fixed replicas, NodePort, server-side drain delay',
    flags: ['--no-hpa', '--replicas', '2', '--service-type', 'NodePort', '--pre-stop', 'server'],
    files: ['service.yaml', 'deployment.yaml', 'pdb.yaml'],
  },
  { name: 'NetworkPolicy', flags: ['--network-policy'], files: [...base, 'networkpolicy.yaml'] },
  {
    name: 'ServiceMonitor',
    flags: ['--service-monitor'],
    files: [...base, 'servicemonitor.yaml'],
    needs: ['servicemonitors.monitoring.coreos.com'],
  },
  {
    name: 'monitoring (PrometheusRule)',
    flags: ['--monitoring'],
    files: [...base, 'prometheus-rule.yaml'],
    needs: ['prometheusrules.monitoring.coreos.com'],
  },
  {
    name: 'everything, LoadBalancer',
    flags: ['--network-policy', '--service-monitor', '--monitoring', '--service-type', 'LoadBalancer'],
    files: [...base, 'networkpolicy.yaml', 'servicemonitor.yaml', 'prometheus-rule.yaml'],
    needs: ['servicemonitors.monitoring.coreos.com', 'prometheusrules.monitoring.coreos.com'],
  },
  {
    name: 'KServe RawDeployment',
    flags: ['--format', 'kserve'],
    files: ['inferenceservice.yaml'],
    needs: ['inferenceservices.serving.kserve.io'],
  },
  {
    name: 'KServe Serverless',
    flags: ['--format', 'kserve', '--kserve-mode', 'Serverless'],
    files: ['inferenceservice.yaml'],
    needs: ['inferenceservices.serving.kserve.io'],
  },
];

const crdFiles: Record<string, string> = {
  'servicemonitors.monitoring.coreos.com': 'monitoring.coreos.com_servicemonitors.yaml',
  'prometheusrules.monitoring.coreos.com': 'monitoring.coreos.com_prometheusrules.yaml',
  'inferenceservices.serving.kserve.io': 'serving.kserve.io_inferenceservices.yaml',
};

describe('kubectl apply --dry-run=server -k accepts every variant berth manifests writes', { skip }, () => {
  let work = '';
  const dirs = new Map<string, string>();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-cluster-dry-run-'));
    await freshNamespace(ns);
    // Re-runnable against a hand-started test bed: start without the CRDs an earlier run installed.
    await kubectlOk(['delete', 'crd', ...Object.keys(crdFiles), '--ignore-not-found', '--wait=true'], 120_000);
    // Measured once here; every variant reuses the numbers (the measurement is not under test).
    for (const [index, variant] of variants.entries()) {
      const dir = join(work, String(index));
      const result = await berth([
        'manifests',
        'examples/iris',
        '--namespace',
        ns,
        '--load-seconds',
        '1.2',
        '--peak-rss-mb',
        '115',
        ...variant.flags,
        '--out',
        dir,
      ]);
      assert.equal(result.code, 0, `${variant.name}: ${result.stderr}`);
      dirs.set(variant.name, dir);
    }
  });

  after(async () => {
    await deleteNamespace(ns);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const dryRun = (variant: Variant) => kubectl(['apply', '--dry-run=server', '-k', dirs.get(variant.name)!]);

  test('without their CRDs, the Prometheus Operator and KServe kinds are refused', async () => {
    for (const variant of variants.filter((v) => v.needs)) {
      const result = await dryRun(variant);
      log(`  ${variant.name} without CRD: exit ${result.code}: ${result.stderr.trim().split('\n')[0]}`);
      assert.notEqual(result.code, 0, `${variant.name} was accepted without its CRD`);
      assert.match(
        result.stderr,
        /no matches for kind|resource mapping not found|could not find the requested resource/,
      );
    }
  });

  test('the CRDs install from the committed official YAML', async () => {
    for (const [crd, file] of Object.entries(crdFiles)) {
      // Server-side: the KServe CRD (1 MB) is too large for client-side apply's annotation.
      await kubectlOk(['apply', '--server-side', '--field-manager', 'berth-cluster-test', '-f', join(crdDir, file)]);
      await until(
        `CRD ${crd} Established`,
        30_000,
        async () => {
          const result = await kubectl([
            'get',
            'crd',
            crd,
            '-o',
            'jsonpath={.status.conditions[?(@.type=="Established")].status}',
          ]);
          return { done: result.stdout === 'True', detail: `Established=${result.stdout || '?'}` };
        },
        500,
      );
    }
  });

  for (const variant of variants) {
    test(`${variant.name}: files, then accepted by the API server`, async () => {
      const dir = dirs.get(variant.name)!;
      const written = (await readdir(dir))
        .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
        .sort();
      assert.deepEqual(written, [...variant.files].sort());
      const result = await dryRun(variant);
      log(`  ${variant.name}:\n${result.stdout.trimEnd().replace(/^/gm, '      ')}`);
      assert.equal(result.code, 0, `${variant.name} refused: ${result.stderr}`);
      const accepted = result.stdout
        .trim()
        .split('\n')
        .filter((line) => line.endsWith('(server dry run)'));
      assert.equal(accepted.length, variant.files.length, result.stdout);
    });
  }

  test('berth deploy --dry-run=server (client-node, server-side apply) accepts the richest variants too', async () => {
    for (const flags of [
      ['--network-policy', '--service-monitor', '--monitoring'],
      ['--format', 'kserve'],
    ]) {
      const result = await berth([
        'deploy',
        'examples/iris',
        '--namespace',
        ns,
        '--load-seconds',
        '1.2',
        '--peak-rss-mb',
        '115',
        ...flags,
        '--dry-run=server',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`server dry run: ${flags.includes('kserve') ? 1 : 7} objects accepted in namespace ${ns}`),
      );
    }
    const stored = await kubectlOk([
      '-n',
      ns,
      'get',
      'deployments,services,inferenceservices,servicemonitors,prometheusrules',
      '-o',
      'name',
    ]);
    assert.equal(stored.trim(), '', 'a dry run stores nothing');
  });
});
