import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentStatus, formatStatus } from '../../src/deploy/status.js';
import { deploymentState, fakeCluster, pod } from './support/fake-cluster.js';

const labelled = () => {
  const deployment = deploymentState({ revision: 4, image: 'iris:3-cccc', available: 2, ready: 2 });
  deployment.spec!.template!.metadata!.labels!['berth.dev/model'] = 'iris';
  deployment.spec!.template!.metadata!.labels!['berth.dev/model-version'] = '3';
  deployment.spec!.template!.metadata!.annotations = { 'berth.dev/model-sha256': 'c'.repeat(64) };
  return deployment;
};

test('status shows replicas, model version, image, HPA state and pod problems', async () => {
  const cluster = fakeCluster({
    deployments: [labelled()],
    pods: [
      [
        pod('iris-1', { ready: true, started: true }),
        pod('iris-2', { container: { state: { waiting: { reason: 'ErrImagePull' } } } }),
      ],
    ],
    hpa: {
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'iris' },
        minReplicas: 3,
        maxReplicas: 20,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        ],
      },
      status: {
        currentReplicas: 3,
        desiredReplicas: 3,
        conditions: [{ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric' }],
      },
    },
  });
  const summary = await deploymentStatus(cluster, 'default', 'iris');
  assert.deepEqual(
    [summary.model, summary.modelVersion, summary.image, summary.revision],
    ['iris', '3', 'iris:3-cccc', 4],
  );
  assert.deepEqual(summary.replicas, { desired: 3, updated: 3, ready: 2, available: 2 });
  assert.equal(summary.hpa!.currentCpu, undefined);
  assert.match(summary.hpa!.note!, /metrics-server/);
  assert.deepEqual(
    summary.problems.map((problem) => problem.reason),
    ['ErrImagePull'],
  );
  const text = formatStatus(summary);
  assert.match(text, /model\s+iris version 3 \(sha256 cccccccccccc\)/);
  assert.match(text, /replicas\s+2\/3 available/);
  assert.match(text, /hpa\s+3 replicas \(min 3, max 20\), cpu <unknown>\/70%; ScalingActive=False/);
  assert.match(text, /problem\s+iris-2: ErrImagePull/);
});

test('status of a missing deployment is a clear error', async () => {
  await assert.rejects(
    deploymentStatus(fakeCluster({ deployments: [undefined] }), 'ml', 'iris'),
    /no Deployment `iris` in namespace `ml`/,
  );
});
