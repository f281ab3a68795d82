import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BerthError } from '../../src/core/errors.js';
import { deployToCluster } from '../../src/deploy/deploy.js';
import { deploymentState, endpointSlice, fakeCluster, pod, replicaSet } from './support/fake-cluster.js';
import { generate } from './support/fixtures.js';

/** A pod of revision 2's ReplicaSet (hash h2) that keeps being OOMKilled. */
const crashing = pod('iris-h2-1', {
  hash: 'h2',
  container: {
    restartCount: 3,
    state: { waiting: { reason: 'CrashLoopBackOff' } },
    lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
  },
});
const options = { serverDryRun: false, timeoutMs: 60_000, pollMs: 1 } as const;
const serving = (hash = 'new') =>
  [1, 2, 3].map((index) => pod(`iris-${hash}-${index}`, { hash, ready: true, started: true }));

test('applies every object into the namespace, then waits for the rollout', async () => {
  const cluster = fakeCluster({
    deployments: [
      deploymentState({ revision: 1 }),
      deploymentState({ generation: 3, updated: 1, total: 4 }),
      deploymentState({ generation: 3, revision: 2 }),
    ],
    pods: [serving()],
  });
  const lines: string[] = [];
  const result = await deployToCluster({
    ...options,
    cluster,
    set: generate({ namespace: 'ml' }),
    autoRollback: false,
    onProgress: (line) => lines.push(line),
  });
  assert.deepEqual(
    cluster.applied.map((entry) => `${entry.object.kind}/${entry.object.metadata.namespace}/${entry.dryRun}`),
    ['Service/ml/false', 'Deployment/ml/false', 'HorizontalPodAutoscaler/ml/false', 'PodDisruptionBudget/ml/false'],
  );
  assert.deepEqual([result.previousRevision, result.revision, result.namespace], [1, 2, 'ml']);
  assert.match(lines.at(-1)!, /successfully rolled out/);
});

test('a server dry run applies with dryRun and does not wait', async () => {
  const cluster = fakeCluster({ deployments: [undefined] });
  const result = await deployToCluster({
    ...options,
    serverDryRun: true,
    cluster,
    set: generate(),
    autoRollback: false,
  });
  assert.ok(cluster.applied.every((entry) => entry.dryRun));
  assert.equal(result.dryRun, true);
  assert.equal(result.rollout, undefined);
  assert.ok(
    cluster.applied.every((entry) => entry.object.metadata.namespace === 'default'),
    'the kubeconfig namespace',
  );
});

test("a failed rollout reports the pods' reasons and suggests berth rollback", async () => {
  const cluster = fakeCluster({
    deployments: [
      deploymentState({ revision: 1 }),
      deploymentState({ revision: 2, updated: 1, total: 4, available: 3 }),
    ],
    pods: [[crashing]],
  });
  await assert.rejects(
    deployToCluster({ ...options, cluster, set: generate(), autoRollback: false }),
    (error: BerthError) => {
      assert.equal(error.code, 'BERTH_ROLLOUT_FAILED');
      assert.match(error.message, /OOMKilled/);
      assert.match(error.message, /berth rollback iris/);
      return true;
    },
  );
  assert.equal(cluster.rollbacks.length, 0);
});

test('--auto-rollback restores the previous revision and waits for it', async () => {
  const cluster = fakeCluster({
    deployments: [
      deploymentState({ revision: 1 }),
      deploymentState({ revision: 2, updated: 1, total: 4, available: 3 }),
    ],
    pods: [[crashing]],
    replicaSets: [replicaSet(1, 'iris:1-aaaa', 'h1'), replicaSet(2, 'iris:2-bbbb', 'h2')],
    afterRollback: { deployments: [deploymentState({ revision: 3, image: 'iris:1-aaaa' })], pods: [serving('h1')] },
  });
  const lines: string[] = [];
  await assert.rejects(
    deployToCluster({
      ...options,
      cluster,
      set: generate(),
      autoRollback: true,
      onProgress: (line) => lines.push(line),
    }),
    (error: BerthError) => {
      assert.match(error.message, /rolled back to revision 1, which is serving again/);
      return true;
    },
  );
  assert.equal(cluster.rollbacks[0]!.template.spec!.containers[0]!.image, 'iris:1-aaaa');
  assert.ok(lines.includes('rolling back to revision 1'));
});

test('--auto-rollback on a first deploy says there is nothing to return to', async () => {
  const cluster = fakeCluster({
    deployments: [undefined, deploymentState({ revision: 1, updated: 1, total: 3, available: 0 })],
    pods: [[crashing]],
  });
  await assert.rejects(
    deployToCluster({ ...options, cluster, set: generate(), autoRollback: true }),
    /no earlier revision to roll back to \(first deploy\)/,
  );
});

test('a timeout is its own error', async () => {
  const cluster = fakeCluster({
    deployments: [
      deploymentState({ revision: 1 }),
      deploymentState({ revision: 2, updated: 1, total: 4, available: 3 }),
    ],
  });
  await assert.rejects(
    deployToCluster({ ...options, timeoutMs: 5, cluster, set: generate(), autoRollback: false }),
    (error: BerthError) => error.code === 'BERTH_ROLLOUT_TIMEOUT',
  );
});

test('done means the Service routes to the new pods only; the report says what the pods did', async () => {
  const events = [
    {
      metadata: {},
      involvedObject: { name: 'iris-new-1' },
      reason: 'Unhealthy',
      message: 'Startup probe failed: HTTP probe failed with statuscode: 503',
      count: 2,
    },
  ];
  const cluster = fakeCluster({
    deployments: [deploymentState({ revision: 1 }), deploymentState({ generation: 3, revision: 2 })],
    pods: [serving()],
    events,
    endpointSlices: [
      [endpointSlice(['iris-new-1', 'iris-new-2', 'iris-old-1'])],
      [endpointSlice(['iris-new-1', 'iris-new-2', 'iris-new-3'], ['iris-old-1'])],
    ],
  });
  const lines: string[] = [];
  const result = await deployToCluster({
    ...options,
    cluster,
    set: generate(),
    autoRollback: false,
    onProgress: (line) => lines.push(line),
  });
  assert.ok(lines.includes('Service iris routes to 2 of 3 new pods and 1 old ones'), lines.join('\n'));
  assert.match(lines.at(-1)!, /successfully rolled out \(3\/3 available, all ready endpoints of Service iris\)/);
  assert.equal(
    result.pods,
    'pods iris-new-1, iris-new-2, iris-new-3: 0 restarts; none OOMKilled; probe failures: startup 2 (while the model loaded), readiness 0, liveness 0',
  );
});

test('before applying: where the image comes from, and whether the pods and the surge fit', async () => {
  const nodes = [
    {
      metadata: { name: 'n1' },
      status: { allocatable: { cpu: '2', memory: '8Gi' }, conditions: [{ type: 'Ready', status: 'True' }] },
    },
  ];
  const cluster = fakeCluster({
    deployments: [deploymentState({ revision: 1 }), deploymentState({ generation: 3, revision: 2 })],
    pods: [serving()],
    room: { nodes, pods: [] },
  });
  const lines: string[] = [];
  const result = await deployToCluster({
    ...options,
    cluster,
    set: generate({ cpu: '600m' }),
    autoRollback: false,
    onProgress: (line) => lines.push(line),
  });
  assert.match(lines[0]!, /^note: image localhost\/iris:3-[0-9a-f]{12} is a local build/);
  assert.match(
    lines[1]!,
    /^note: the nodes have room for 3 pods \(600m CPU and .* memory each\), but the rolling update starts 1 new pod/,
  );
  assert.equal(result.warnings.length, 2);
  const quiet = fakeCluster({
    deployments: [undefined, deploymentState({ generation: 3, revision: 1 })],
    pods: [serving()],
    room: { nodes, pods: [] },
  });
  const registry = await deployToCluster({
    ...options,
    cluster: quiet,
    set: generate({ image: 'registry.example.com/ml/iris:3-abc' }),
    autoRollback: false,
  });
  assert.deepEqual(registry.warnings, [], 'a registry image that fits needs no note');
});

test('a failed revision is marked on its ReplicaSet, so berth rollback passes over it', async () => {
  const cluster = fakeCluster({
    deployments: [
      deploymentState({ revision: 1 }),
      deploymentState({ revision: 2, updated: 1, total: 4, available: 3 }),
    ],
    pods: [[crashing]],
    replicaSets: [replicaSet(1, 'iris:1-aaaa', 'h1'), replicaSet(2, 'iris:2-bbbb', 'h2')],
  });
  await assert.rejects(deployToCluster({ ...options, cluster, set: generate(), autoRollback: false }));
  assert.equal(cluster.annotated.length, 1);
  assert.equal(cluster.annotated[0]!.name, 'iris-h2');
  assert.match(cluster.annotated[0]!.annotations['berth.dev/failed-rollout']!, /OOMKilled/);
});

test('a revision that rolls out after all (the same template, now with room) loses its failed mark', async () => {
  const marked = replicaSet(2, 'iris:2-bbbb', 'h2');
  marked.metadata!.annotations!['berth.dev/failed-rollout'] = 'waiting for room';
  const cluster = fakeCluster({
    deployments: [deploymentState({ revision: 2, updated: 1, total: 4 }), deploymentState({ revision: 2 })],
    pods: [serving('h2')],
    replicaSets: [replicaSet(1, 'iris:1-aaaa', 'h1'), marked],
  });
  await deployToCluster({ ...options, cluster, set: generate(), autoRollback: false });
  assert.deepEqual(cluster.annotated, [{ name: 'iris-h2', annotations: { 'berth.dev/failed-rollout': null } }]);
  const clean = fakeCluster({
    deployments: [deploymentState({ revision: 1 }), deploymentState({ revision: 2 })],
    pods: [serving('h2')],
    replicaSets: [replicaSet(2, 'iris:2-bbbb', 'h2')],
  });
  await deployToCluster({ ...options, cluster: clean, set: generate(), autoRollback: false });
  assert.deepEqual(clean.annotated, [], 'nothing to clear');
});
