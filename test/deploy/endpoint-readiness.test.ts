import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointReadiness } from '../../src/deploy/endpoint-readiness.js';
import { endpointSlice } from './support/fake-cluster.js';

test('ready endpoints are counted per pod, new revision apart from the rest; terminating ones are not ready', () => {
  const newPods = new Set(['iris-new-1', 'iris-new-2']);
  assert.deepEqual(
    endpointReadiness([endpointSlice(['iris-new-1', 'iris-old-1'], ['iris-new-2', 'iris-old-2'])], newPods),
    { newReady: 1, otherReady: 1 },
  );
  // Dual stack: the same pod in an IPv4 and an IPv6 slice is one endpoint.
  const v6 = { ...endpointSlice(['iris-new-1', 'iris-new-2']), addressType: 'IPv6' };
  assert.deepEqual(endpointReadiness([endpointSlice(['iris-new-1', 'iris-new-2']), v6], newPods), {
    newReady: 2,
    otherReady: 0,
  });
  assert.deepEqual(endpointReadiness([], newPods), { newReady: 0, otherReady: 0 });
});
