import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BerthError } from '../../src/core/errors.js';
import { deployToCluster } from '../../src/deploy/deploy.js';
import { deploymentState, fakeCluster, pod, replicaSet } from './support/fake-cluster.js';
import { generate } from './support/fixtures.js';

const crashing = pod('iris-new-1', { container: { restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } } });
const options = { serverDryRun: false, timeoutMs: 60_000, pollMs: 1 } as const;

test('applies every object into the namespace, then waits for the rollout', async () => {
  const cluster = fakeCluster({ deployments: [deploymentState({ revision: 1 }), deploymentState({ generation: 3, updated: 1, total: 4 }), deploymentState({ generation: 3, revision: 2 })] });
  const lines: string[] = [];
  const result = await deployToCluster({ ...options, cluster, set: generate({ namespace: 'ml' }), autoRollback: false, onProgress: (line) => lines.push(line) });
  assert.deepEqual(cluster.applied.map((entry) => `${entry.object.kind}/${entry.object.metadata.namespace}/${entry.dryRun}`), ['Service/ml/false', 'Deployment/ml/false', 'HorizontalPodAutoscaler/ml/false', 'PodDisruptionBudget/ml/false']);
  assert.deepEqual([result.previousRevision, result.revision, result.namespace], [1, 2, 'ml']);
  assert.match(lines.at(-1)!, /successfully rolled out/);
});

test('a server dry run applies with dryRun and does not wait', async () => {
  const cluster = fakeCluster({ deployments: [undefined] });
  const result = await deployToCluster({ ...options, serverDryRun: true, cluster, set: generate(), autoRollback: false });
  assert.ok(cluster.applied.every((entry) => entry.dryRun));
  assert.equal(result.dryRun, true);
  assert.equal(result.rollout, undefined);
  assert.ok(cluster.applied.every((entry) => entry.object.metadata.namespace === 'default'), 'the kubeconfig namespace');
});

test('a failed rollout reports the pods\' reasons and suggests berth rollback', async () => {
  const cluster = fakeCluster({ deployments: [deploymentState({ revision: 1 }), deploymentState({ revision: 2, updated: 1, total: 4, available: 3 })], pods: [[crashing]] });
  await assert.rejects(deployToCluster({ ...options, cluster, set: generate(), autoRollback: false }), (error: BerthError) => {
    assert.equal(error.code, 'BERTH_ROLLOUT_FAILED');
    assert.match(error.message, /OOMKilled/);
    assert.match(error.message, /berth rollback iris/);
    return true;
  });
  assert.equal(cluster.rollbacks.length, 0);
});

test('--auto-rollback restores the previous revision and waits for it', async () => {
  const cluster = fakeCluster({
    deployments: [deploymentState({ revision: 1 }), deploymentState({ revision: 2, updated: 1, total: 4, available: 3 })],
    pods: [[crashing]],
    replicaSets: [replicaSet(1, 'iris:1-aaaa', 'h1'), replicaSet(2, 'iris:2-bbbb', 'h2')],
    afterRollback: { deployments: [deploymentState({ revision: 3, image: 'iris:1-aaaa' })] },
  });
  const lines: string[] = [];
  await assert.rejects(deployToCluster({ ...options, cluster, set: generate(), autoRollback: true, onProgress: (line) => lines.push(line) }), (error: BerthError) => {
    assert.match(error.message, /rolled back to revision 1, which is serving again/);
    return true;
  });
  assert.equal(cluster.rollbacks[0]!.template.spec!.containers[0]!.image, 'iris:1-aaaa');
  assert.ok(lines.includes('rolling back to revision 1'));
});

test('--auto-rollback on a first deploy says there is nothing to return to', async () => {
  const cluster = fakeCluster({ deployments: [undefined, deploymentState({ revision: 1, updated: 1, total: 3, available: 0 })], pods: [[crashing]] });
  await assert.rejects(deployToCluster({ ...options, cluster, set: generate(), autoRollback: true }), /no earlier revision to roll back to \(first deploy\)/);
});

test('a timeout is its own error', async () => {
  const cluster = fakeCluster({ deployments: [deploymentState({ revision: 1 }), deploymentState({ revision: 2, updated: 1, total: 4, available: 3 })] });
  await assert.rejects(deployToCluster({ ...options, timeoutMs: 5, cluster, set: generate(), autoRollback: false }), (error: BerthError) => error.code === 'BERTH_ROLLOUT_TIMEOUT');
});
