import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreV1Event } from '@kubernetes/client-node';
import { describeActivity, podActivity } from '../../src/deploy/pod-activity.js';
import { pod } from './support/fake-cluster.js';

const event = (name: string, reason: string, message: string, count = 1): CoreV1Event => ({
  metadata: {},
  involvedObject: { name },
  reason,
  message,
  count,
});

test('restarts, OOM kills, probe failures by probe and waits for room, from status and events', () => {
  const pods = [
    pod('iris-a', {
      ready: true,
      started: true,
      container: { restartCount: 2, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } },
    }),
    pod('iris-b', { ready: true, started: true }),
  ];
  const events = [
    event('iris-a', 'Unhealthy', 'Startup probe failed: HTTP probe failed with statuscode: 503', 3),
    event(
      'iris-b',
      'Unhealthy',
      'Startup probe failed: Get "http://10.244.0.7:8000/ready": dial tcp 10.244.0.7:8000: connect: connection refused',
    ),
    event('iris-b', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503'),
    event('iris-b', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.', 2),
    event('iris-old', 'Unhealthy', 'Liveness probe failed: timeout', 9),
  ];
  const activity = podActivity(pods, events);
  assert.deepEqual(
    activity,
    {
      pods: ['iris-a', 'iris-b'],
      restarts: 2,
      oomKilled: 1,
      probeFailures: { startup: 4, readiness: 1, liveness: 0 },
      unschedulable: { times: 2, message: '0/1 nodes are available: 1 Insufficient cpu.' },
    },
    'events of other pods are not counted',
  );
  assert.equal(
    describeActivity(activity),
    'pods iris-a, iris-b: 2 restarts; 1 OOMKilled; probe failures: startup 4 (while the model loaded), readiness 1, liveness 0; waited for room 2× (0/1 nodes are available: 1 Insufficient cpu.)',
  );
});

test("a quiet rollout reads as such; the events API's series count is used when present", () => {
  assert.equal(
    describeActivity(podActivity([pod('iris-a', { ready: true })], [])),
    'pods iris-a: 0 restarts; none OOMKilled; probe failures: startup 0, readiness 0, liveness 0',
  );
  const series = {
    ...event('iris-a', 'Unhealthy', 'Readiness probe failed: x'),
    count: undefined,
    series: { count: 7 },
  } as CoreV1Event;
  assert.equal(podActivity([pod('iris-a')], [series]).probeFailures.readiness, 7);
});
