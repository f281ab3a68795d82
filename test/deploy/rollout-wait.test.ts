import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForRollout } from '../../src/deploy/rollout-wait.js';
import { deploymentState, fakeCluster, fakeClock, pod, replicaSet } from './support/fake-cluster.js';

const wait = (cluster: ReturnType<typeof fakeCluster>, lines: string[] = [], timeoutMs = 60_000) =>
  waitForRollout(cluster, {
    namespace: 'default',
    name: 'iris',
    timeoutMs,
    pollMs: 2000,
    onProgress: (line) => lines.push(line),
    ...fakeClock(),
  });

test('follows a rollout to the end, printing each change once', async () => {
  const lines: string[] = [];
  const cluster = fakeCluster({
    deployments: [
      deploymentState({ generation: 3, observed: 2 }),
      deploymentState({ generation: 3, updated: 1, total: 4, available: 3 }),
      deploymentState({ generation: 3, updated: 1, total: 4, available: 3 }),
      deploymentState({ generation: 3, updated: 3, total: 4, available: 3 }),
      deploymentState({ generation: 3, revision: 4 }),
    ],
  });
  const result = await wait(cluster, lines);
  assert.equal(result.outcome, 'done');
  assert.equal(result.revision, 4);
  assert.deepEqual(lines, [
    'waiting for the deployment controller to observe the new spec',
    '1 of 3 new replicas have been updated',
    '1 old replicas are pending termination',
    'deployment iris successfully rolled out (3/3 available)',
  ]);
});

test('stops early on a crash loop of the new pods and says why', async () => {
  const crashing = pod('iris-new-1', {
    container: {
      restartCount: 5,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { reason: 'Error', exitCode: 1 } },
    },
  });
  const cluster = fakeCluster({
    deployments: [deploymentState({ updated: 1, total: 4, available: 3 })],
    pods: [[pod('iris-old-1', { hash: 'old', ready: true, created: '2026-01-01T00:00:00Z' }), crashing]],
  });
  const lines: string[] = [];
  const result = await wait(cluster, lines);
  assert.equal(result.outcome, 'failed');
  assert.match(result.reason!, /iris-new-1: the server keeps crashing/);
  assert.deepEqual(
    result.problems.map((problem) => problem.pod),
    ['iris-new-1'],
    "only the new revision's pods are examined",
  );
  assert.match(lines[0]!, /iris-new-1: CrashLoopBackOff/);
});

test('times out on an image that cannot be pulled, with the reason', async () => {
  const cluster = fakeCluster({
    deployments: [deploymentState({ updated: 1, total: 4, available: 3 })],
    pods: [
      [
        pod('iris-new-1', {
          container: { state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } },
        }),
      ],
    ],
  });
  const result = await wait(cluster, [], 10_000);
  assert.equal(result.outcome, 'timeout');
  assert.equal(result.problems[0]!.reason, 'ImagePullBackOff');
});

test('reports ProgressDeadlineExceeded as a failure, and OOMKilled pods as the reason', async () => {
  const cluster = fakeCluster({
    deployments: [deploymentState({ updated: 1, total: 4, available: 3, progressDeadline: true })],
    pods: [
      [
        pod('iris-new-1', {
          container: {
            restartCount: 1,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
          },
        }),
      ],
    ],
  });
  const result = await wait(cluster);
  assert.equal(result.outcome, 'failed');
  assert.match(result.reason!, /progress deadline/);
  assert.equal(result.problems[0]!.reason, 'OOMKilled');
});

test('waits for a deployment that does not exist yet, then times out', async () => {
  const result = await wait(fakeCluster({ deployments: [undefined] }), [], 5000);
  assert.equal(result.outcome, 'timeout');
  assert.match(result.reason!, /never appeared/);
});

test("after a rollback, the pods watched are those of the revision's ReplicaSet, not the newer broken ones", async () => {
  const broken = pod('iris-bad-1', {
    hash: 'bad',
    created: '2026-01-01T00:05:00Z',
    container: {
      image: 'r/iris:nope',
      state: { waiting: { reason: 'ErrImagePull', message: 'r/iris:nope: not found' } },
    },
  });
  const restored = [1, 2, 3].map((index) =>
    pod(`iris-h2-${index}`, { hash: 'h2', ready: true, started: true, created: '2026-01-01T00:01:00Z' }),
  );
  const cluster = fakeCluster({
    deployments: [
      deploymentState({ generation: 4, observed: 3 }),
      deploymentState({ generation: 4, revision: 4, total: 4 }),
      deploymentState({ generation: 4, revision: 4 }),
    ],
    pods: [[...restored, broken]],
    replicaSets: [replicaSet(4, 'iris:2-bbbb', 'h2'), replicaSet(3, 'r/iris:nope', 'bad')],
  });
  const lines: string[] = [];
  const result = await wait(cluster, lines);
  assert.equal(result.outcome, 'done', lines.join('\n'));
  assert.deepEqual(result.activity?.pods, ['iris-h2-1', 'iris-h2-2', 'iris-h2-3']);
  assert.ok(
    !lines.some((line) => line.includes('ErrImagePull')),
    "the broken pod, on its way out, is not the rollout's problem",
  );
});
