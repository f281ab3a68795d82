import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentRevision, rolloutStatus } from '../../src/deploy/rollout-status.js';
import { deploymentState } from './support/fake-cluster.js';

// The same states and messages as `kubectl rollout status` (polymorphichelpers/rollout_status.go).
test('waits until the controller observed the new generation', () => {
  const status = rolloutStatus(deploymentState({ generation: 3, observed: 2 }));
  assert.equal(status.done, false);
  assert.match(status.message, /observe the new spec/);
});

test('waits for updated, then for old replicas to go, then for available', () => {
  assert.match(
    rolloutStatus(deploymentState({ updated: 1, total: 4, available: 3 })).message,
    /1 of 3 new replicas have been updated/,
  );
  assert.match(
    rolloutStatus(deploymentState({ updated: 3, total: 4, available: 3 })).message,
    /1 old replicas are pending termination/,
  );
  assert.match(
    rolloutStatus(deploymentState({ updated: 3, total: 3, available: 2 })).message,
    /2 of 3 updated replicas are available/,
  );
});

test('done when every replica is updated and available and no old one is left', () => {
  const status = rolloutStatus(deploymentState({}));
  assert.deepEqual(
    [status.done, status.failed, status.message],
    [true, false, 'deployment iris successfully rolled out'],
  );
  assert.deepEqual([status.desired, status.updated, status.available, status.old], [3, 3, 3, 0]);
});

test('ProgressDeadlineExceeded is a failure', () => {
  const status = rolloutStatus(deploymentState({ updated: 1, available: 0, progressDeadline: true }));
  assert.deepEqual([status.done, status.failed], [false, true]);
  assert.match(status.message, /exceeded its progress deadline/);
});

test('reads the revision annotation', () => {
  assert.equal(deploymentRevision(deploymentState({ revision: 7 })), 7);
  assert.equal(deploymentRevision(deploymentState({})), undefined);
  assert.equal(deploymentRevision(undefined), undefined);
});
