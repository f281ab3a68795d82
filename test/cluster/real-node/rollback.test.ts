import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  imageOf,
  readDeployment,
  readyEndpoints,
  replicaSets,
  describeReplicaSets,
  revisionOf,
  rolledOut,
} from '../support/objects.js';
import {
  describeTraffic,
  imageRepository,
  irisFacts,
  oldPodsGone,
  serviceUrl,
  skipReal,
  traffic,
  twoPushedVersions,
} from '../support/real-node.js';
import { bed, berth, deleteNamespace, freshNamespace, log, until } from '../support/testbed.js';

/**
 * Rollbacks on a real node. A broken image (a tag the registry does not have) fails to pull;
 * `berth deploy --auto-rollback` names the reason and returns to the revision that served, and
 * marks the broken revision so that a later `berth rollback` passes over it. Then `berth rollback`
 * restores the revision before that while two clients (keep-alive, and a new connection per
 * request) keep sending requests through the Service: none may fail.
 */
const ns = 'berth-rn-rollback';
const name = 'iris';

describe('rollbacks on a real node', { skip: skipReal }, () => {
  let work = '';
  let repository = '';
  let first = '';
  let second = '';

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-rn-rollback-'));
    repository = join(work, 'repository');
    await freshNamespace(ns);
  });

  after(async () => {
    await deleteNamespace(ns, true);
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('two revisions deployed: the example, then another model version', { timeout: 30 * 60_000 }, async () => {
    const versions = await twoPushedVersions(name, repository);
    [first, second] = versions.map((version) => version.image);
    for (const { args, image } of versions) {
      const deployed = await berth(
        ['deploy', ...args, '--image', image, ...irisFacts, '--namespace', ns, '--timeout', '240'],
        300_000,
      );
      assert.equal(deployed.code, 0, deployed.stderr);
      await until('3 pods available', 180_000, () => rolledOut(ns, name, 3), 2000);
    }
    assert.equal(revisionOf(await readDeployment(ns, name)), 2);
  });

  test(
    'a tag the registry does not have: deploy --auto-rollback names the reason and returns to revision 2',
    { timeout: 6 * 60_000 },
    async (t) => {
      if (!second) return t.skip('the deploy step failed');
      const broken = `${imageRepository()}:does-not-exist`;
      const result = await berth(
        [
          'deploy',
          `${name}@1`,
          '--repository',
          repository,
          '--image',
          broken,
          ...irisFacts,
          '--namespace',
          ns,
          '--auto-rollback',
          '--timeout',
          '180',
        ],
        300_000,
      );
      assert.equal(result.code, 1, result.stdout);
      assert.match(
        result.stderr,
        /rollout of `iris` in namespace `berth-rn-rollback` failed/,
        'a failure, not a timeout: a missing tag will not appear by waiting',
      );
      assert.match(
        result.stderr,
        new RegExp(
          `(ErrImagePull|ImagePullBackOff): cannot pull image ${broken.replace(/[.]/g, '\\.')}: the registry has no such tag \\(.*not found`,
        ),
      );
      assert.match(result.stderr, /rolled back to revision 2, which is serving again/);
      const live = await readDeployment(ns, name);
      assert.equal(imageOf(live), second, 'the template of the revision that served');
      assert.equal(revisionOf(live), 4);
      await until('3 pods available again', 120_000, () => rolledOut(ns, name, 3), 2000);
      const list = await replicaSets(ns, name);
      const failed = (
        await bed().apps.listNamespacedReplicaSet({
          namespace: ns,
          labelSelector: `app.kubernetes.io/instance=${name}`,
        })
      ).items.find((rs) => imageOf(rs) === broken);
      assert.equal(failed?.spec?.replicas, 0, `the broken ReplicaSet is scaled down: ${describeReplicaSets(list)}`);
      assert.match(
        failed?.metadata?.annotations?.['berth.dev/failed-rollout'] ?? '',
        /no such tag/,
        'the broken revision is marked',
      );
    },
  );

  test(
    "berth rollback under traffic: revision 1's template serves again, 0 failed requests",
    { timeout: 6 * 60_000 },
    async (t) => {
      if (!second) return t.skip('the deploy step failed');
      const url = await serviceUrl(ns, name);
      const clients = [traffic(url, { keepAlive: true, rate: 150 }), traffic(url, { keepAlive: false, rate: 150 })];
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const result = await berth(['rollback', name, '--namespace', ns, '--timeout', '240'], 300_000);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /rolling back from revision 4 to the template of revision 1/,
        'the failed revision 3 is passed over',
      );
      await oldPodsGone(ns, name, first);
      const summaries = await Promise.all(clients.map((client) => client.stop()));
      for (const summary of summaries) log(`  ${describeTraffic(summary)}`);
      console.log(`berth rollback under traffic: ${summaries.map(describeTraffic).join('; ')}`);
      const live = await readDeployment(ns, name);
      assert.equal(imageOf(live), first);
      assert.equal(revisionOf(live), 5);
      assert.equal((await readyEndpoints(ns, name)).length, 3);
      for (const summary of summaries) {
        assert.ok(summary.requests > 0, `${summary.mode}: traffic flowed`);
        assert.equal(summary.failed, 0, describeTraffic(summary));
      }
    },
  );
});
