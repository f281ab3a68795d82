import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeProblems, podProblems } from '../../src/deploy/pod-problems.js';
import { pod } from './support/fake-cluster.js';

test('image pull failures name the image and what to check', () => {
  const [problem] = podProblems([
    pod('iris-1', {
      container: {
        state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "iris:3-cccc"' } },
      },
    }),
  ]);
  assert.equal(problem!.kind, 'image-pull');
  assert.equal(problem!.reason, 'ImagePullBackOff');
  assert.match(problem!.message, /cannot pull image iris:3-cccc.*pushed/);
  assert.equal(problem!.fatal, false, 'the image may still be pushed');
  const [pull] = podProblems([
    pod('iris-1', { container: { state: { waiting: { reason: 'ErrImagePull', message: 'rpc error: not found' } } } }),
  ]);
  assert.equal(pull!.reason, 'ErrImagePull');
  assert.equal(
    podProblems([pod('iris-1', { container: { state: { waiting: { reason: 'InvalidImageName' } } } })])[0]!.fatal,
    true,
  );
});

test('a crash loop says how often and how it last exited, and is fatal after a few restarts', () => {
  const crashing = (restartCount: number) =>
    pod('iris-1', {
      container: {
        restartCount,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'Error', exitCode: 1 } },
      },
    });
  const [early] = podProblems([crashing(1)]);
  assert.equal(early!.kind, 'crash-loop');
  assert.match(early!.message, /restarted 1 times, last exit: Error, code 1.*kubectl logs --previous iris-1/);
  assert.equal(early!.fatal, false);
  assert.equal(podProblems([crashing(3)])[0]!.fatal, true);
});

test('OOMKilled names the memory limit', () => {
  const [problem] = podProblems([
    pod('iris-1', {
      container: {
        restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
      },
    }),
  ]);
  assert.equal(problem!.kind, 'oom-killed');
  assert.match(problem!.message, /more memory than its limit of 256Mi \(OOMKilled/);
  assert.equal(problem!.fatal, true);
});

test('unschedulable pods quote the scheduler', () => {
  const [problem] = podProblems([
    pod('iris-1', { phase: 'Pending', unschedulable: '0/2 nodes are available: 2 Insufficient memory.' }),
  ]);
  assert.equal(problem!.reason, 'Unschedulable');
  assert.match(problem!.message, /2 Insufficient memory.*lower the requests/);
});

test('failing readiness probes are reported with the kubelet event, and a loading model as starting', () => {
  const events = [
    {
      metadata: {},
      involvedObject: { name: 'iris-1' },
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    },
  ];
  const [notReady] = podProblems([pod('iris-1', { started: true })], events);
  assert.equal(notReady!.reason, 'ReadinessProbeFailed');
  assert.match(notReady!.message, /statuscode: 503/);
  const [starting] = podProblems([pod('iris-2', { started: false })], events);
  assert.equal(starting!.kind, 'starting');
  assert.match(starting!.message, /startupProbe/);
});

test('healthy and terminating pods have no problem; the description groups pods', () => {
  assert.deepEqual(podProblems([pod('iris-1', { ready: true, started: true })]), []);
  const terminating = pod('iris-2', { container: { state: { waiting: { reason: 'CrashLoopBackOff' } } } });
  terminating.metadata!.deletionTimestamp = new Date();
  assert.deepEqual(podProblems([terminating]), []);
  const text = describeProblems(
    podProblems([
      pod('iris-1', { container: { state: { waiting: { reason: 'ErrImagePull' } } } }),
      pod('iris-2', { container: { state: { waiting: { reason: 'ErrImagePull' } } } }),
    ]),
  );
  assert.match(text, /^iris-1, iris-2 — ErrImagePull: cannot pull image/);
  assert.equal(describeProblems([]), 'no pod reports a problem');
});

test("a tag the registry lacks and a local build's name fail at once, with what to do; a refused pull may still pass", () => {
  const pulling = (image: string, message: string, events: Parameters<typeof podProblems>[1] = []) => {
    const subject = pod('iris-1', { container: { image, state: { waiting: { reason: 'ErrImagePull', message } } } });
    return podProblems([subject], events)[0]!;
  };
  const missing = pulling(
    '127.0.0.1:5000/ml/iris:nope',
    'rpc error: code = NotFound desc = failed to pull and unpack image "127.0.0.1:5000/ml/iris:nope": failed to resolve reference "127.0.0.1:5000/ml/iris:nope": 127.0.0.1:5000/ml/iris:nope: not found',
  );
  assert.equal(missing.fatal, true);
  assert.match(
    missing.message,
    /cannot pull image 127\.0\.0\.1:5000\/ml\/iris:nope: the registry has no such tag \(rpc error.*not found\); push it/,
  );
  const local = pulling(
    'localhost/iris:0-abc',
    'failed to do request: Head "https://localhost/v2/iris/manifests/0-abc": dial tcp 127.0.0.1:443: connect: connection refused',
  );
  assert.equal(local.fatal, true);
  assert.match(
    local.message,
    /it is the name of a local build.*berth build --containerize --push REGISTRY\/REPOSITORY/,
  );
  const refused = pulling('registry.example.com/ml/iris:1', 'dial tcp: lookup registry.example.com: no such host');
  assert.equal(refused.fatal, false, 'a registry that does not answer may come back');
  // The back-off state says only "Back-off pulling image"; the kubelet's Failed event says why.
  const backOff = podProblems(
    [
      pod('iris-1', {
        container: {
          image: 'r.example.com/iris:x',
          state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "r.example.com/iris:x"' } },
        },
      }),
    ],
    [
      {
        metadata: {},
        involvedObject: { name: 'iris-1' },
        reason: 'Failed',
        message: 'Failed to pull image "r.example.com/iris:x": manifest unknown',
      },
    ],
  )[0]!;
  assert.equal(backOff.fatal, true);
  assert.match(backOff.message, /manifest unknown/);
});

test('a pod without room is waiting for room; OOMKilled earlier but running again is still reported', () => {
  const [room] = podProblems([
    pod('iris-1', {
      phase: 'Pending',
      unschedulable:
        '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    }),
  ]);
  assert.match(
    room!.message,
    /^waiting for room: 0\/1 nodes are available: 1 Insufficient cpu\..*it starts once other pods \(the rollout's old ones too\) free enough CPU/,
  );
  const [selector] = podProblems([
    pod('iris-1', {
      phase: 'Pending',
      unschedulable: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
    }),
  ]);
  assert.match(selector!.message, /^no node can run it/);
  const [oom] = podProblems([
    pod('iris-1', {
      ready: true,
      started: true,
      container: {
        restartCount: 1,
        state: { running: {} },
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
      },
    }),
  ]);
  assert.equal(oom!.kind, 'oom-killed');
  assert.equal(oom!.fatal, false);
  assert.match(
    oom!.message,
    /^was killed for using more memory than its limit of 256Mi \(OOMKilled, restarted 1 times\) and runs again/,
  );
});
