import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDeployment, rolledOut } from './support/objects.js';
import { irisWithDeploy } from './support/iris-copy.js';
import { bed, berth, deleteNamespace, freshNamespace, kubectlOk, log, skip, until } from './support/testbed.js';

/**
 * The HPA Berth generates, driven by simulated CPU: kwok serves kubelet-style resource metrics,
 * metrics-server scrapes them every 15 s, the HPA controller syncs every 5 s (test bed settings).
 * A pod's CPU is its annotation kwok.x-k8s.io/usage-cpu (the test bed's ClusterResourceUsage),
 * 1m without it. The model folder is the iris example with a `deploy:` section in berth.yaml
 * (min 1, max 2, 50 % of a 100m request, scale-down stabilisation 0 s instead of 300 s).
 *
 * Bounded: metrics for a new pod appear ~45-55 s after it starts, so scale-up takes about a
 * minute and scale-down (which waits for the second pod's metrics) about another; 3 min each at most.
 */
const ns = 'berth-ct-hpa';
const name = 'iris';
const usageCpu = 'kwok.x-k8s.io/usage-cpu';

describe('the generated HPA scales on simulated CPU', { skip }, () => {
  let work = '';
  let model = '';

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-cluster-hpa-'));
    model = await irisWithDeploy(work, {
      autoscaling: { minReplicas: 1, maxReplicas: 2, targetCPUUtilization: 50, scaleDownStabilizationSeconds: 0 },
      resources: { requests: { cpu: '100m' } },
    });
    await freshNamespace(ns);
  });

  after(async () => {
    await deleteNamespace(ns);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const hpa = () => bed().autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace: ns, name });
  const hpaLine = async () => {
    const h = await hpa();
    const cpu = h.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization;
    return {
      h,
      line: `HPA: cpu ${cpu ?? '<unknown>'}%/50%, current ${h.status?.currentReplicas}, desired ${h.status?.desiredReplicas}`,
    };
  };
  const podNames = async () =>
    (await bed().core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${name}` })).items
      .filter((pod) => !pod.metadata?.deletionTimestamp)
      .map((pod) => pod.metadata!.name!)
      .sort();

  test('deploy with min 1 / max 2 / 50 % / stabilisation 0 from berth.yaml', { timeout: 120_000 }, async () => {
    const result = await berth(['deploy', model, '--namespace', ns, '--timeout', '60']);
    assert.equal(result.code, 0, result.stderr);
    const h = await hpa();
    assert.equal(h.spec?.minReplicas, 1);
    assert.equal(h.spec?.maxReplicas, 2);
    assert.equal(h.spec?.metrics?.[0]?.resource?.target?.averageUtilization, 50);
    assert.equal(h.spec?.behavior?.scaleDown?.stabilizationWindowSeconds, 0);
    const d = await readDeployment(ns, name);
    assert.equal(d.spec?.template?.spec?.containers[0]?.resources?.requests?.cpu, '100m');
    assert.equal((await rolledOut(ns, name, 1)).done, true);
  });

  let hot = '';

  test('CPU above target (200m on a 100m request) scales the Deployment up to 2', { timeout: 200_000 }, async () => {
    [hot] = await podNames();
    assert.ok(hot, 'a pod to load');
    await kubectlOk(['-n', ns, 'annotate', 'pod', hot, `${usageCpu}=200m`, '--overwrite']);
    log(`  annotated ${hot} with ${usageCpu}=200m`);
    await until(
      'HPA sees the load and the Deployment has 2 available replicas',
      180_000,
      async () => {
        const { h, line } = await hpaLine();
        const rolled = await rolledOut(ns, name, 2);
        return { done: h.status?.desiredReplicas === 2 && rolled.done, detail: `${line}; ${rolled.detail}` };
      },
      2000,
    );
    const h = await hpa();
    const scaled = h.status?.conditions?.find((c) => c.type === 'AbleToScale');
    log(`  AbleToScale: ${scaled?.reason}: ${scaled?.message}`);
    const events = await bed().core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: `involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=${name}`,
    });
    const rescale = events.items.find(
      (event) => event.reason === 'SuccessfulRescale' && /New size: 2/.test(event.message ?? ''),
    );
    assert.ok(
      rescale,
      `a SuccessfulRescale event to 2: ${events.items.map((e) => `${e.reason}: ${e.message}`).join(' | ')}`,
    );
    assert.match(rescale.message!, /cpu resource utilization \(percentage of request\) above target/);
  });

  test('CPU back to idle scales it back down to 1 (stabilisation 0 s)', { timeout: 200_000 }, async (t) => {
    if (!hot) return t.skip('the scale-up step failed');
    await kubectlOk(['-n', ns, 'annotate', 'pod', hot, `${usageCpu}-`]);
    log(`  removed ${usageCpu} from ${hot}`);
    await until(
      'HPA scales the Deployment back to 1 replica',
      180_000,
      async () => {
        const { h, line } = await hpaLine();
        const rolled = await rolledOut(ns, name, 1);
        const pods = await podNames();
        return {
          done: h.status?.desiredReplicas === 1 && rolled.done && pods.length === 1,
          detail: `${line}; ${rolled.detail}; pods ${pods.length}`,
        };
      },
      2000,
    );
    const events = await bed().core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: `involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=${name}`,
    });
    assert.ok(
      events.items.some(
        (event) =>
          event.reason === 'SuccessfulRescale' &&
          /New size: 1; reason: All metrics below target/.test(event.message ?? ''),
      ),
      events.items.map((e) => `${e.reason}: ${e.message}`).join(' | '),
    );
  });
});
