import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageOf, readDeployment, revisionOf } from '../support/objects.js';
import {
  describeTraffic,
  irisFacts,
  oldPodsGone,
  serviceUrl,
  skipReal,
  traffic,
  twoPushedVersions,
  untilThreeReady,
  type PushedVersion,
  type TrafficSummary,
} from '../support/real-node.js';
import { berth, deleteNamespace, freshNamespace, log } from '../support/testbed.js';

/**
 * Rolling updates under load, through the Service's ClusterIP (kube-proxy's iptables rules), on
 * real pods: two model versions (the iris example, and another iris classifier registered as
 * version 1) deployed in turn by `berth deploy`, 5 times, while two clients send requests: one on
 * keep-alive connections, one opening a new connection for every request. Every request must
 * succeed; the p99 over each rollout is reported. The traffic runs from before the deploy until
 * the last old pod has exited, so the whole termination (preStop, drain) is covered.
 */
const ns = 'berth-rn-rollout';
const name = 'iris';
const rollouts = 5;
/** Requests per second per client: enough to keep every pod busy, bounded so the load never starves the node's two cores. */
const rate = 150;

describe('rolling updates under load through the Service', { skip: skipReal }, () => {
  let work = '';
  let repository = '';
  const versions: PushedVersion[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-rn-rollout-'));
    repository = join(work, 'repository');
    await freshNamespace(ns);
  });

  after(async () => {
    await deleteNamespace(ns, true);
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('two model versions, pushed; the first deployed with 3 ready endpoints', { timeout: 30 * 60_000 }, async () => {
    versions.push(...(await twoPushedVersions(name, repository)));
    assert.notEqual(versions[0]!.image, versions[1]!.image);
    const deployed = await berth(
      [
        'deploy',
        ...versions[0]!.args,
        '--image',
        versions[0]!.image,
        ...irisFacts,
        '--namespace',
        ns,
        '--timeout',
        '240',
      ],
      300_000,
    );
    assert.equal(deployed.code, 0, deployed.stderr);
    await untilThreeReady(ns, name);
  });

  test(
    `${rollouts} rollouts with keep-alive and new-connection clients: 0 failed requests`,
    { timeout: rollouts * 6 * 60_000 },
    async (t) => {
      if (versions.length < 2) return t.skip('the deploy step failed');
      const url = await serviceUrl(ns, name);
      const results: Array<{ rollout: number; revision: number; summaries: TrafficSummary[] }> = [];
      for (let rollout = 1; rollout <= rollouts; rollout++) {
        const target = versions[rollout % 2]!;
        const clients = [traffic(url, { keepAlive: true, rate }), traffic(url, { keepAlive: false, rate })];
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const deployed = await berth(
          ['deploy', ...target.args, '--image', target.image, ...irisFacts, '--namespace', ns, '--timeout', '300'],
          360_000,
        );
        assert.equal(deployed.code, 0, deployed.stderr);
        // Until the last old pod has exited: its drain is part of the rollout.
        await oldPodsGone(ns, name, target.image);
        const summaries = await Promise.all(clients.map((client) => client.stop()));
        const live = await readDeployment(ns, name);
        assert.equal(imageOf(live), target.image);
        results.push({ rollout, revision: revisionOf(live)!, summaries });
        log(
          `  rollout ${rollout} (revision ${revisionOf(live)}, ${target.args[0]}): ${deployed.stdout.split('\n').find((line) => line.startsWith('pods ')) ?? ''}`,
        );
        for (const summary of summaries) log(`    ${describeTraffic(summary)}`);
      }
      const byMode = (mode: TrafficSummary['mode']) =>
        results.map((result) => result.summaries.find((summary) => summary.mode === mode)!);
      for (const mode of ['keep-alive', 'new connection per request'] as const) {
        const runs = byMode(mode);
        const requests = runs.reduce((sum, run) => sum + run.requests, 0);
        const failed = runs.reduce((sum, run) => sum + run.failed, 0);
        log(
          `${mode}: ${failed} failed of ${requests} requests over ${rollouts} rollouts; p99 per rollout ${runs.map((run) => `${run.p99} ms`).join(', ')}`,
        );
        console.log(
          `rollouts under load (${mode}): ${failed} failed of ${requests}; p99 ${runs.map((run) => run.p99).join('/')} ms`,
        );
        assert.ok(
          runs.every((run) => run.requests > 0),
          `${mode}: traffic flowed during every rollout`,
        );
        assert.equal(failed, 0, `${mode}: failed requests during rollouts: ${runs.map(describeTraffic).join('; ')}`);
      }
      assert.deepEqual(
        results.map((result) => result.revision),
        results.map((_, index) => index + 2),
        'each rollout is a new revision',
      );
    },
  );
});
