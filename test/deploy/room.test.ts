import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Node, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import { rollingCount, roomFor, roomNote, type RoomNeed } from '../../src/deploy/room.js';

const node = (
  name: string,
  cpu: string,
  memory: string,
  extra: Partial<V1Node['spec']> = {},
  ready = 'True',
): V1Node => ({
  metadata: { name },
  spec: extra,
  status: { allocatable: { cpu, memory }, conditions: [{ type: 'Ready', status: ready }] },
});
const podOn = (
  nodeName: string,
  cpu: string,
  memory: string,
  labels: Record<string, string> = {},
  phase = 'Running',
): V1Pod => ({
  metadata: { name: `p-${Math.random()}`, namespace: 'ml', labels },
  spec: { nodeName, containers: [{ name: 'c', resources: { requests: { cpu, memory } } }] },
  status: { phase },
});
const spec: V1PodSpec = { containers: [{ name: 'server', resources: { requests: { cpu: '500m', memory: '256Mi' } } }] };
const need = (overrides: Partial<RoomNeed> = {}): RoomNeed => ({
  spec,
  replicas: 3,
  maxSurge: 1,
  maxUnavailable: 0,
  update: true,
  ...overrides,
});
const own = (pod: V1Pod) => pod.metadata?.labels?.app === 'iris';

test("counts the pods that fit on each node after the other pods' requests; own pods' room counts", () => {
  // A 2-core node: 3 × 500m of our own (they will be replaced) and 250m of someone else's.
  const pods = [
    podOn('n1', '500m', '256Mi', { app: 'iris' }),
    podOn('n1', '500m', '256Mi', { app: 'iris' }),
    podOn('n1', '500m', '256Mi', { app: 'iris' }),
    podOn('n1', '250m', '64Mi'),
    podOn('n1', '4', '1Gi', {}, 'Succeeded'),
  ];
  assert.deepEqual(roomFor(need(), [node('n1', '2', '8Gi')], pods, own), { fits: 3, cpu: '500m', memory: '256Mi' });
  // Memory can be what runs out first.
  assert.equal(roomFor(need(), [node('n1', '16', '600Mi')], [], own).fits, 2);
  // Unschedulable, not Ready or tainted nodes hold nothing; a toleration lets the pod onto a taint.
  const taint = { taints: [{ key: 'gpu', value: 'yes', effect: 'NoSchedule' }] };
  const nodes = [
    node('cordoned', '8', '8Gi', { unschedulable: true }),
    node('down', '8', '8Gi', {}, 'False'),
    node('tainted', '1', '8Gi', taint),
  ];
  assert.equal(roomFor(need(), nodes, [], own).fits, 0);
  assert.equal(
    roomFor(
      need({ spec: { ...spec, tolerations: [{ key: 'gpu', operator: 'Equal', value: 'yes', effect: 'NoSchedule' }] } }),
      nodes,
      [],
      own,
    ).fits,
    2,
  );
});

test('says when pods will wait, and when a rolling update cannot get its surge pod in', () => {
  const room = (fits: number) => ({ fits, cpu: '500m', memory: '256Mi' });
  assert.equal(roomNote(need(), room(4)), undefined, 'replicas + surge fit');
  assert.match(
    roomNote(need(), room(2))!,
    /room for 2 of the 3 pods \(500m CPU and 256Mi memory each\): 1 will wait \(Pending\)/,
  );
  assert.match(
    roomNote(need(), room(3))!,
    /rolling update starts 1 new pod\(s\) next to the 3 old ones.*will wait for room that never comes; use --max-surge 0 --max-unavailable 1/,
  );
  assert.match(roomNote(need({ maxUnavailable: 1 }), room(3))!, /replaces old pods first \(maxUnavailable 1\)/);
  assert.equal(roomNote(need({ update: false }), room(3)), undefined, 'a first deploy needs no surge');
});

test('maxSurge and maxUnavailable as counts, percentages rounded as the Deployment controller does', () => {
  assert.equal(rollingCount('25%', 3, 'up', 1), 1);
  assert.equal(rollingCount('25%', 3, 'down', 0), 0);
  assert.equal(rollingCount(2, 3, 'up', 1), 2);
  assert.equal(rollingCount(undefined, 3, 'up', 1), 1);
});
