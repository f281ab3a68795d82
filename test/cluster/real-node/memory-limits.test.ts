import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { defaults } from '../../../src/core/defaults.js';
import { parseQuantity } from '../../../src/core/quantity.js';
import { rolledOut } from '../support/objects.js';
import { describeTraffic, irisBody, pushedImage, serviceUrl, skipReal, traffic } from '../support/real-node.js';
import { bed, berth, deleteNamespace, freshNamespace, log, until } from '../support/testbed.js';

/**
 * Memory limits on a real node, where the kernel enforces them. (1) One pod with the memory limit
 * `berth manifests` derives from the measured model gets a flood of small requests and, at the
 * same time, the largest requests the server accepts (limits.maxRows rows in a body just under
 * limits.maxBodyBytes): no restart, no OOMKilled, and the cgroup's peak usage is reported against
 * the limit. (2) A deliberately low limit (16Mi, less than node itself needs to start): the kernel
 * kills the server (OOMKilled), and `berth deploy` and `berth status` say so in plain words.
 */
const ns = 'berth-rn-memory';
const name = 'iris';
const tight = 'iris-tight';

/**
 * `{"instances": [...]}` with `rows` rows, each number written out with as many digits as fit, and
 * whitespace (valid JSON) up to exactly `bytes`.
 */
function largestBody(rows: number, bytes: number): string {
  // A row is `[a,b,c,d],`: 4 numbers of 3 + digits characters, 3 commas, 2 brackets, a separator.
  const digits = Math.max(0, Math.floor(((bytes - 16) / rows - 18) / 4));
  const number = (value: number) => value.toFixed(1) + '0'.repeat(digits);
  const row = `[${[5.1, 3.5, 1.4, 0.2].map(number).join(',')}]`;
  const body = `{"instances":[${new Array(rows).fill(row).join(',')}]`;
  return `${body}${' '.repeat(Math.max(0, bytes - body.length - 1))}}`;
}

/** The container's memory cgroup (v1) on the node: peak and limit, in bytes. */
async function containerMemory(podUid: string, containerId: string): Promise<{ peak: number; limit: number }> {
  const root = process.env.K8S_REAL_NODE_CGROUP_ROOT;
  const id = containerId.replace(/^containerd:\/\//, '');
  for (const qos of ['burstable', 'besteffort', '']) {
    const dir = `/sys/fs/cgroup/memory/${root}/kubepods/${qos ? `${qos}/` : ''}pod${podUid}/${id}`;
    const peak = await readFile(`${dir}/memory.max_usage_in_bytes`, 'utf8').catch(() => undefined);
    if (peak) return { peak: Number(peak), limit: Number(await readFile(`${dir}/memory.limit_in_bytes`, 'utf8')) };
  }
  throw new Error(`no memory cgroup for container ${id} of pod ${podUid} under /sys/fs/cgroup/memory/${root}`);
}

describe('memory limits on a real node', { skip: skipReal }, () => {
  let image = '';

  before(async () => {
    await freshNamespace(ns);
  });

  after(async () => {
    await deleteNamespace(ns, true);
  });

  test(
    'the limit berth manifests writes holds a flood plus the largest requests: 0 OOMKilled',
    { timeout: 30 * 60_000 },
    async () => {
      image = await pushedImage('examples/iris');
      const deployed = await berth(
        [
          'deploy',
          'examples/iris',
          '--image',
          image,
          '--namespace',
          ns,
          '--no-hpa',
          '--replicas',
          '1',
          '--timeout',
          '240',
        ],
        300_000,
      );
      assert.equal(deployed.code, 0, deployed.stderr);
      await until('1 pod available', 120_000, () => rolledOut(ns, name, 1), 2000);
      const [pod] = (
        await bed().core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${name}` })
      ).items;
      const limit = pod!.spec!.containers[0]!.resources!.limits!.memory!;
      log(`  memory limit written by berth manifests: ${limit}`);

      const url = await serviceUrl(ns, name);
      const { maxRows, maxBodyBytes } = defaults.limits;
      const largest = largestBody(maxRows, maxBodyBytes - 4096);
      assert.ok(
        largest.length <= maxBodyBytes && largest.length > maxBodyBytes * 0.95,
        `the body is just under the limit: ${largest.length} of ${maxBodyBytes} bytes`,
      );
      const one = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: largest });
      assert.equal(
        one.status,
        200,
        `the largest allowed request is answered: ${await one
          .clone()
          .text()
          .then((text) => text.slice(0, 200))}`,
      );
      assert.equal(((await one.json()) as { predictions: unknown[] }).predictions.length, maxRows);

      const flood = traffic(url, { keepAlive: true, rate: 100_000, connections: 64, body: irisBody });
      const big = traffic(url, { keepAlive: true, rate: 1000, connections: 2, body: largest });
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      const [small, large] = await Promise.all([flood.stop(), big.stop()]);
      log(`  flood:   ${describeTraffic(small)}`);
      log(`  largest: ${describeTraffic(large)}`);
      assert.ok(small.requests > 0 && (large.statusCodes['200'] ?? 0) > 0, 'both kinds of requests were answered');

      const after = await bed().core.readNamespacedPod({ namespace: ns, name: pod!.metadata!.name! });
      const status = after.status!.containerStatuses![0]!;
      const memory = await containerMemory(after.metadata!.uid!, status.containerID!);
      const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
      log(
        `  container memory: peak ${mib(memory.peak)} of a ${mib(memory.limit)} limit (${((memory.peak / memory.limit) * 100).toFixed(0)}%)`,
      );
      console.log(`memory under flood + largest requests: peak ${mib(memory.peak)} of ${limit}`);
      assert.equal(memory.limit, parseQuantity(limit), 'the kernel enforces the limit berth manifests wrote');
      assert.equal(
        status.lastState?.terminated?.reason,
        undefined,
        `no earlier termination (lastState: ${JSON.stringify(status.lastState)})`,
      );
      assert.equal(status.restartCount, 0, 'no restart');
      assert.ok(status.state?.running, 'still running');
    },
  );

  test(
    'a deliberately low limit: OOMKilled, named in plain words by berth deploy and berth status',
    { timeout: 10 * 60_000 },
    async (t) => {
      if (!image) return t.skip('no image');
      const deployed = await berth(
        [
          'deploy',
          'examples/iris',
          '--image',
          image,
          '--namespace',
          ns,
          '--name',
          tight,
          '--no-hpa',
          '--replicas',
          '1',
          '--cpu',
          '100m',
          '--memory',
          '16Mi',
          '--limits-memory',
          '16Mi',
          '--timeout',
          '300',
        ],
        360_000,
      );
      assert.equal(deployed.code, 1, deployed.stdout);
      assert.match(deployed.stderr, /memory limit 16Mi is below the measured peak RSS/, 'the manifests warned before');
      assert.match(
        deployed.stderr,
        /OOMKilled: killed for using more memory than its limit of 16Mi \(OOMKilled, restarted \d+ times\); raise --limits-memory/,
      );
      assert.match(deployed.stderr, /[1-9]\d* OOMKilled/, 'the rollout report counts it');
      const status = await berth(['status', tight, '--namespace', ns]);
      assert.equal(status.code, 0, status.stderr);
      log(`  berth status:\n${status.stdout}`);
      assert.match(
        status.stdout,
        /problem +iris-tight-[a-z0-9-]+: OOMKilled — (was )?killed for using more memory than its limit of 16Mi/,
      );
      const [pod] = (
        await bed().core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${tight}` })
      ).items;
      assert.equal(pod!.status!.containerStatuses![0]!.lastState?.terminated?.reason, 'OOMKilled');
    },
  );
});
