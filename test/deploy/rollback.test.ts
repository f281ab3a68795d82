import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BerthError } from '../../src/core/errors.js';
import { previousRevision, rollbackDeployment } from '../../src/deploy/rollback.js';
import { deploymentState, fakeCluster, replicaSet } from './support/fake-cluster.js';

const history = [
  replicaSet(1, 'iris:1-aaaa', 'h1', 'model 1'),
  replicaSet(3, 'iris:3-cccc', 'h3', 'model 3'),
  replicaSet(2, 'iris:2-bbbb', 'h2', 'model 2'),
];

test('the previous revision is the highest below the current one, without pod-template-hash', () => {
  const target = previousRevision(deploymentState({ revision: 3, image: 'iris:3-cccc' }), history)!;
  assert.equal(target.revision, 2);
  assert.equal(target.template.spec!.containers[0]!.image, 'iris:2-bbbb');
  assert.equal(target.template.metadata!.labels!['pod-template-hash'], undefined);
  assert.equal(target.changeCause, 'model 2');
  assert.equal(previousRevision(deploymentState({ revision: 1 }), history), undefined);
});

test('ReplicaSets the Deployment does not own are ignored', () => {
  const foreign = replicaSet(2, 'other:1', 'x');
  foreign.metadata!.ownerReferences = [
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'other', uid: 'someone-else', controller: true },
  ];
  assert.equal(previousRevision(deploymentState({ revision: 3 }), [foreign]), undefined);
});

test('rollback writes the previous template and change cause back, like kubectl rollout undo', async () => {
  const cluster = fakeCluster({
    deployments: [deploymentState({ revision: 3, image: 'iris:3-cccc' })],
    replicaSets: history,
  });
  const result = await rollbackDeployment(cluster, 'default', 'iris');
  assert.deepEqual(result, { namespace: 'default', name: 'iris', toRevision: 2, fromRevision: 3, skipped: false });
  assert.equal(cluster.rollbacks.length, 1);
  assert.equal(cluster.rollbacks[0]!.template.spec!.containers[0]!.image, 'iris:2-bbbb');
  assert.deepEqual(cluster.rollbacks[0]!.annotations, { 'kubernetes.io/change-cause': 'model 2' });
});

test('rollback is skipped when the template already matches, and refused without history', async () => {
  const same = fakeCluster({
    deployments: [deploymentState({ revision: 3, image: 'iris:2-bbbb' })],
    replicaSets: history,
  });
  assert.equal((await rollbackDeployment(same, 'default', 'iris')).skipped, true);
  assert.equal(same.rollbacks.length, 0);
  const first = fakeCluster({ deployments: [deploymentState({ revision: 1 })], replicaSets: [history[0]!] });
  await assert.rejects(
    rollbackDeployment(first, 'default', 'iris'),
    (error: BerthError) => error.code === 'BERTH_NO_PREVIOUS_REVISION',
  );
  await assert.rejects(
    rollbackDeployment(fakeCluster({ deployments: [undefined] }), 'default', 'iris'),
    (error: BerthError) => error.code === 'BERTH_DEPLOYMENT_NOT_FOUND',
  );
});

test('a revision whose rollout failed (marked by berth deploy) is passed over', () => {
  const failed = replicaSet(2, 'iris:2-bbbb', 'h2');
  failed.metadata!.annotations!['berth.dev/failed-rollout'] = 'ImagePullBackOff';
  const target = previousRevision(deploymentState({ revision: 3, image: 'iris:1-aaaa' }), [
    replicaSet(1, 'iris:1-aaaa', 'h1'),
    failed,
    replicaSet(3, 'iris:1-aaaa', 'h3'),
  ])!;
  assert.equal(target.revision, 1);
});
