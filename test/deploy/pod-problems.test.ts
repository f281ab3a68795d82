import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeProblems, podProblems } from '../../src/deploy/pod-problems.js';
import { pod } from './support/fake-cluster.js';

test('image pull failures name the image and what to check', () => {
  const [problem] = podProblems([pod('iris-1', { container: { state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "iris:3-cccc"' } } } })]);
  assert.equal(problem!.kind, 'image-pull');
  assert.equal(problem!.reason, 'ImagePullBackOff');
  assert.match(problem!.message, /cannot pull image iris:3-cccc.*pushed/);
  assert.equal(problem!.fatal, false, 'the image may still be pushed');
  const [pull] = podProblems([pod('iris-1', { container: { state: { waiting: { reason: 'ErrImagePull', message: 'rpc error: not found' } } } })]);
  assert.equal(pull!.reason, 'ErrImagePull');
  assert.equal(podProblems([pod('iris-1', { container: { state: { waiting: { reason: 'InvalidImageName' } } } })])[0]!.fatal, true);
});

test('a crash loop says how often and how it last exited, and is fatal after a few restarts', () => {
  const crashing = (restartCount: number) => pod('iris-1', { container: { restartCount, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } } });
  const [early] = podProblems([crashing(1)]);
  assert.equal(early!.kind, 'crash-loop');
  assert.match(early!.message, /restarted 1 times, last exit: Error, code 1.*kubectl logs --previous iris-1/);
  assert.equal(early!.fatal, false);
  assert.equal(podProblems([crashing(3)])[0]!.fatal, true);
});

test('OOMKilled names the memory limit', () => {
  const [problem] = podProblems([pod('iris-1', { container: { restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } } })]);
  assert.equal(problem!.kind, 'oom-killed');
  assert.match(problem!.message, /more memory than its limit of 256Mi \(OOMKilled/);
  assert.equal(problem!.fatal, true);
});

test('unschedulable pods quote the scheduler', () => {
  const [problem] = podProblems([pod('iris-1', { phase: 'Pending', unschedulable: '0/2 nodes are available: 2 Insufficient memory.' })]);
  assert.equal(problem!.reason, 'Unschedulable');
  assert.match(problem!.message, /2 Insufficient memory.*lower the requests/);
});

test('failing readiness probes are reported with the kubelet event, and a loading model as starting', () => {
  const events = [{ metadata: {}, involvedObject: { name: 'iris-1' }, reason: 'Unhealthy', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503' }];
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
  const text = describeProblems(podProblems([
    pod('iris-1', { container: { state: { waiting: { reason: 'ErrImagePull' } } } }),
    pod('iris-2', { container: { state: { waiting: { reason: 'ErrImagePull' } } } }),
  ]));
  assert.match(text, /^iris-1, iris-2 — ErrImagePull: cannot pull image/);
  assert.equal(describeProblems([]), 'no pod reports a problem');
});
