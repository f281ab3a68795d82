import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity } from '../../../src/core/quantity.js';
import { readDeployment, revisionOf, rolledOut } from '../support/objects.js';
import { irisFacts, node, oldPodsGone, pushedImage, skipReal } from '../support/real-node.js';
import { bed, berth, deleteNamespace, freshNamespace, log, steps, until } from '../support/testbed.js';

/**
 * A rolling update on a full node. Three pods run; the new template asks for a third of the node's
 * CPU each, so three fit but not a fourth: the default strategy (maxSurge 1, maxUnavailable 0)
 * would start a fourth pod next to the old ones and wait for room forever. `berth deploy` says so
 * before applying, names the flags that avoid it, and reports the pod waiting for room; with
 * `--max-surge 0 --max-unavailable 1` the same template rolls out by replacing pods one by one.
 */
const ns = 'berth-rn-room';
const name = 'iris';

describe('a rollout on a node without room for a surge pod', { skip: skipReal }, () => {
  let image = '';
  let third = '';
  const step = steps();

  before(async () => {
    await freshNamespace(ns);
  });

  after(async () => {
    await deleteNamespace(ns, true);
  });

  step('three pods at the default request', 20 * 60_000, async () => {
    image = await pushedImage('examples/iris');
    const deployed = await berth(
      ['deploy', 'examples/iris', '--image', image, ...irisFacts, '--namespace', ns, '--timeout', '240'],
      300_000,
    );
    assert.equal(deployed.code, 0, deployed.stderr);
    await until('3 pods available', 180_000, () => rolledOut(ns, name, 3), 2000);
    const allocatable = parseQuantity(
      (await bed().core.readNode({ name: node().nodeName })).status!.allocatable!.cpu!,
    )!;
    third = `${Math.floor((allocatable * 1000) / 3)}m`;
    log(`  node allocatable cpu ${allocatable * 1000}m: the new template asks ${third} per pod`);
  });

  step(
    'the default strategy: deploy says before applying that the surge pod will never fit, and shows it waiting for room',
    4 * 60_000,
    async () => {
      const stuck = await berth(
        [
          'deploy',
          'examples/iris',
          '--image',
          image,
          ...irisFacts,
          '--namespace',
          ns,
          '--cpu',
          third,
          '--timeout',
          '20',
        ],
        120_000,
      );
      assert.equal(stuck.code, 1, stuck.stdout);
      assert.match(
        stuck.stderr,
        new RegExp(
          `note: the nodes have room for 3 pods \\(${third} CPU .*will wait for room that never comes; use --max-surge 0 --max-unavailable 1`,
        ),
      );
      assert.match(
        stuck.stderr,
        /: waiting for room \(Insufficient cpu\)/,
        'the progress line says what the pod waits for',
      );
      assert.match(stuck.stderr, /did not finish within 20 s/);
      assert.match(stuck.stderr, /waiting for room: 0\/1 nodes are available: 1 Insufficient cpu/);
    },
  );

  step('--max-surge 0 --max-unavailable 1: the same template replaces the pods one by one', 6 * 60_000, async () => {
    const before = revisionOf(await readDeployment(ns, name));
    const fitted = await berth(
      [
        'deploy',
        'examples/iris',
        '--image',
        image,
        ...irisFacts,
        '--namespace',
        ns,
        '--cpu',
        third,
        '--max-surge',
        '0',
        '--max-unavailable',
        '1',
        '--timeout',
        '240',
      ],
      300_000,
    );
    assert.equal(fitted.code, 0, fitted.stderr);
    assert.doesNotMatch(fitted.stderr, /will wait for room that never comes/, 'no room note: replacing in place fits');
    const live = await readDeployment(ns, name);
    assert.equal(revisionOf(live), before, 'the same revision, now rolled out');
    assert.deepEqual({ ...live.spec?.strategy?.rollingUpdate }, { maxSurge: 0, maxUnavailable: 1 });
    await oldPodsGone(ns, name, image);
    const pods = (
      await bed().core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${name}` })
    ).items;
    assert.deepEqual(
      pods.map((pod) => pod.spec?.containers[0]?.resources?.requests?.cpu),
      [third, third, third],
    );
    const replicaSet = (
      await bed().apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${name}` })
    ).items.find((rs) => (rs.status?.replicas ?? 0) > 0);
    assert.equal(
      replicaSet?.metadata?.annotations?.['berth.dev/failed-rollout'],
      undefined,
      'the revision that rolled out after all is no longer marked failed',
    );
  });
});
