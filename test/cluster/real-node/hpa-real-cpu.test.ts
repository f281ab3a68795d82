import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQuantity } from '../../../src/core/quantity.js';
import { rolledOut } from '../support/objects.js';
import { irisWithDeploy } from '../support/iris-copy.js';
import { describeTraffic, node, pushedImage, serviceUrl, skipReal, traffic } from '../support/real-node.js';
import { bed, berth, deleteNamespace, freshNamespace, kubectlOk, log, until } from '../support/testbed.js';

/**
 * The HPA Berth generates, on real CPU: metrics-server reads the kubelet's resource metrics
 * (/metrics/resource, from the pods' cgroups) every 15 s, the HPA controller syncs every 5 s
 * (test bed setting). The iris example with a `deploy:` section in berth.yaml (min 1, max 3,
 * 50 % of a 200m request, scale-down stabilisation 0 s): a load of 100-row requests drives the
 * pod's CPU above target, the HPA adds pods until max (all of which fit on the node), and when
 * the load stops it scales back to 1.
 *
 * The load sends each request as soon as the last is answered, so the pods take whatever CPU the
 * node leaves them, however fast the machine: a fixed 400 req/s held two pods at 36–39 % of their
 * request on a fast host, and the HPA stayed at 2.
 */
const ns = 'berth-rn-hpa';
const name = 'iris';
const request = '200m';
const maxReplicas = 3;

/** 100 rows per request: enough work per call that the load is the model's, not only HTTP's. */
const batchBody = JSON.stringify({
  instances: Array.from({ length: 100 }, (_, index) => [5.1 + (index % 10) / 10, 3.5, 1.4, 0.2]),
});

describe('the generated HPA scales real pods on real CPU', { skip: skipReal }, () => {
  let work = '';
  let model = '';

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-rn-hpa-'));
    model = await irisWithDeploy(work, {
      autoscaling: { minReplicas: 1, maxReplicas, targetCPUUtilization: 50, scaleDownStabilizationSeconds: 0 },
      resources: { requests: { cpu: request } },
    });
    await freshNamespace(ns);
  });

  after(async () => {
    await deleteNamespace(ns, true);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const hpaLine = async () => {
    const h = await bed().autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace: ns, name });
    const cpu = h.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization;
    return {
      h,
      cpu,
      line: `HPA: cpu ${cpu ?? '<unknown>'}%/50%, current ${h.status?.currentReplicas}, desired ${h.status?.desiredReplicas}`,
    };
  };
  const pods = async () =>
    (
      await bed().core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${name}` })
    ).items.filter((pod) => !pod.metadata?.deletionTimestamp);
  const rescales = async (pattern: RegExp) =>
    (
      await bed().core.listNamespacedEvent({
        namespace: ns,
        fieldSelector: `involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=${name}`,
      })
    ).items.filter((event) => event.reason === 'SuccessfulRescale' && pattern.test(event.message ?? ''));

  test('deploy min 1 / max 3 / 50 % of 200m; the node has room for max', { timeout: 25 * 60_000 }, async () => {
    const image = await pushedImage('examples/iris');
    const result = await berth(['deploy', model, '--image', image, '--namespace', ns, '--timeout', '240'], 300_000);
    assert.equal(result.code, 0, result.stderr);
    const nodeObject = await bed().core.readNode({ name: node().nodeName });
    const allocatable = parseQuantity(nodeObject.status!.allocatable!.cpu!)!;
    const millicores = (cores: number) => `${Math.round(cores * 1000)}m`;
    log(
      `  node allocatable cpu ${millicores(allocatable)}; ${maxReplicas} × ${request} = ${millicores(maxReplicas * parseQuantity(request)!)}`,
    );
    assert.ok(maxReplicas * parseQuantity(request)! <= allocatable, 'max replicas fit the node');
    assert.equal((await rolledOut(ns, name, 1)).done, true);
    await until(
      "metrics-server reports the pod's CPU and the HPA reads it",
      180_000,
      async () => {
        const { cpu, line } = await hpaLine();
        return { done: cpu !== undefined, detail: line };
      },
      2000,
    );
  });

  test(
    `a load of 100-row requests: real CPU above target, the HPA scales to ${maxReplicas} Ready pods`,
    { timeout: 8 * 60_000 },
    async () => {
      const load = traffic(await serviceUrl(ns, name), {
        keepAlive: true,
        rate: 100_000,
        connections: 8,
        body: batchBody,
        maxSeconds: 420,
      });
      let peak = 0;
      try {
        await until(
          `the HPA scales to ${maxReplicas} and every pod is Ready`,
          360_000,
          async () => {
            const { h, cpu, line } = await hpaLine();
            peak = Math.max(peak, cpu ?? 0);
            const list = await pods();
            const ready = list.filter((pod) =>
              pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
            ).length;
            const pending = list.filter((pod) => pod.status?.phase === 'Pending').length;
            return {
              done: h.status?.desiredReplicas === maxReplicas && ready === maxReplicas,
              detail: `${line}; pods ${list.length}, ready ${ready}, pending ${pending}`,
            };
          },
          3000,
        );
      } finally {
        log(`  load: ${describeTraffic(await load.stop())}`);
      }
      const metrics = await kubectlOk(['-n', ns, 'top', 'pods', '--no-headers']);
      log(`  kubectl top pods (metrics-server):\n${metrics.trimEnd()}`);
      log(`  peak HPA utilisation seen: ${peak}% of ${request}`);
      console.log(`HPA on real CPU: scaled to ${maxReplicas} at ${peak}% of the ${request} request`);
      assert.ok(peak > 50, `CPU above the 50 % target: ${peak}%`);
      const up = await rescales(
        /New size: [23]; reason: cpu resource utilization \(percentage of request\) above target/,
      );
      assert.ok(up.length > 0, 'SuccessfulRescale above target');
      assert.equal(
        (await pods()).filter((pod) => pod.status?.phase === 'Pending').length,
        0,
        'every pod found room on the node',
      );
    },
  );

  test('the load stops: the HPA scales back to 1', { timeout: 8 * 60_000 }, async () => {
    await until(
      'the HPA scales the Deployment back to 1 pod',
      360_000,
      async () => {
        const { h, line } = await hpaLine();
        const rolled = await rolledOut(ns, name, 1);
        const list = await pods();
        return {
          done: h.status?.desiredReplicas === 1 && h.status?.currentReplicas === 1 && rolled.done && list.length === 1,
          detail: `${line}; ${rolled.detail}; pods ${list.length}`,
        };
      },
      3000,
    );
    assert.ok(
      (await rescales(/New size: 1; reason: All metrics below target/)).length > 0,
      'SuccessfulRescale below target',
    );
    const status = await berth(['status', name, '--namespace', ns]);
    assert.equal(status.code, 0, status.stderr);
    log(`  berth status:\n${status.stdout}`);
    assert.match(status.stdout, /hpa +1 replicas \(min 1, max 3\), cpu \d+%\/50%/);
  });
});
