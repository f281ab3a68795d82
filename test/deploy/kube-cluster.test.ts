import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BerthError } from '../../src/core/errors.js';
import { kubeCluster, loadKubeConfig } from '../../src/deploy/kube-cluster.js';
import { deploymentState, template } from './support/fake-cluster.js';
import { generate } from './support/fixtures.js';

/**
 * @kubernetes/client-node against a small stand-in for kube-apiserver on a real socket: checks
 * the requests Berth sends (server-side apply with field manager berth and force, dryRun=All,
 * the JSON patch of a rollback) and how API errors are reported. The real control plane
 * (scripts/k8s-testbed.sh) is exercised by the next issue's tests.
 */
interface Seen {
  method: string;
  url: string;
  contentType: string;
  body: string;
}

async function apiServer() {
  const seen: Seen[] = [];
  const discovery: Record<string, object> = {
    '/api/v1': {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [{ name: 'services', namespaced: true, kind: 'Service', verbs: ['patch'] }],
    },
    '/apis/apps/v1': {
      kind: 'APIResourceList',
      groupVersion: 'apps/v1',
      resources: [{ name: 'deployments', namespaced: true, kind: 'Deployment', verbs: ['patch'] }],
    },
  };
  const server = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    seen.push({ method: request.method!, url: request.url!, contentType: request.headers['content-type'] ?? '', body });
    const path = request.url!.split('?')[0]!;
    const reply = (status: number, value: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (discovery[path]) return reply(200, discovery[path]);
    if (path.endsWith('/deployments/missing'))
      return reply(404, { kind: 'Status', code: 404, message: 'deployments.apps "missing" not found' });
    if (request.method === 'PATCH' && path.endsWith('/services/iris'))
      return reply(422, {
        kind: 'Status',
        code: 422,
        message: 'Service "iris" is invalid: spec.ports[0].port: Invalid value: 0',
      });
    if (request.method === 'GET' && path.endsWith('/deployments/iris'))
      return reply(200, deploymentState({ revision: 2 }));
    if (request.method === 'PATCH')
      return reply(200, body.startsWith('[') ? deploymentState({ revision: 3 }) : JSON.parse(body));
    return reply(404, { kind: 'Status', code: 404, message: 'not here' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'berth-kube-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: test',
      'clusters:',
      `- name: test`,
      `  cluster: { server: "http://127.0.0.1:${(server.address() as AddressInfo).port}", insecure-skip-tls-verify: true }`,
      'users:',
      '- name: test',
      '  user: { token: abc }',
      'contexts:',
      '- name: test',
      '  context: { cluster: test, user: test, namespace: ml }',
    ].join('\n'),
  );
  return { seen, kubeconfig, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('server-side apply with field manager berth and force, dryRun=All for a server dry run', async () => {
  const api = await apiServer();
  try {
    const cluster = kubeCluster(loadKubeConfig({ kubeconfig: api.kubeconfig, home: undefined }));
    assert.equal(cluster.defaultNamespace, 'ml');
    const deployment = { ...generate().files.find((entry) => entry.object.kind === 'Deployment')!.object };
    deployment.metadata = { ...deployment.metadata, namespace: 'ml' };
    await cluster.apply(deployment, { dryRun: true });
    const patch = api.seen.find((request) => request.method === 'PATCH')!;
    assert.match(patch.url, /^\/apis\/apps\/v1\/namespaces\/ml\/deployments\/iris\?/);
    const query = new URLSearchParams(patch.url.split('?')[1]);
    assert.deepEqual([query.get('fieldManager'), query.get('force'), query.get('dryRun')], ['berth', 'true', 'All']);
    assert.equal(patch.contentType, 'application/apply-patch+yaml');
    const sent = JSON.parse(patch.body);
    assert.deepEqual(
      sent.spec.template.spec.containers[0].lifecycle,
      { preStop: { sleep: { seconds: 5 } } },
      'client-node keeps every field',
    );
    assert.deepEqual(sent.spec.template.spec.topologySpreadConstraints[0].matchLabelKeys, ['pod-template-hash']);
  } finally {
    await api.close();
  }
});

test('rollback sends a JSON patch that replaces the template; 404 reads are undefined; API errors quote the server', async () => {
  const api = await apiServer();
  try {
    const cluster = kubeCluster(loadKubeConfig({ kubeconfig: api.kubeconfig, home: undefined }));
    assert.equal(await cluster.getDeployment('ml', 'missing'), undefined);
    await cluster.replaceTemplate('ml', 'iris', template('iris:1-aaaa'), { 'kubernetes.io/change-cause': 'model 1' });
    const patch = api.seen.filter((request) => request.method === 'PATCH').at(-1)!;
    assert.equal(patch.contentType, 'application/json-patch+json');
    assert.deepEqual(JSON.parse(patch.body), [
      { op: 'replace', path: '/spec/template', value: template('iris:1-aaaa') },
      { op: 'add', path: '/metadata/annotations/kubernetes.io~1change-cause', value: 'model 1' },
    ]);
    const service = generate().files[0]!.object;
    await assert.rejects(
      cluster.apply({ ...service, metadata: { ...service.metadata, namespace: 'ml' } }, { dryRun: false }),
      (error: BerthError) => {
        assert.equal(error.code, 'BERTH_KUBE_API');
        assert.match(error.message, /apply Service\/iris: HTTP 422: Service "iris" is invalid/);
        return true;
      },
    );
  } finally {
    await api.close();
  }
});

test('without a kubeconfig the error says what to set', () => {
  assert.throws(
    () => loadKubeConfig({ kubeconfig: '/nonexistent/config', home: undefined }),
    (error: BerthError) =>
      error.code === 'BERTH_NO_KUBECONFIG' && /\/nonexistent\/config does not exist/.test(error.message),
  );
  assert.throws(() => loadKubeConfig({ kubeconfig: undefined, home: undefined }), /KUBECONFIG is not set/);
});
