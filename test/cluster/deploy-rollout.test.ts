import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  describeReplicaSets,
  imageOf,
  readDeployment,
  readyEndpoints,
  replicaSets,
  revisionOf,
  rolledOut,
} from './support/objects.js';
import { bed, berth, deleteNamespace, freshNamespace, kubectlOk, log, skip, steps, until } from './support/testbed.js';

/**
 * The iris example through `berth manifests`, `berth deploy`, `berth rollback` on a real control
 * plane (kwok nodes stand in for kubelets, so pods start Ready at once and no container runs):
 *   1. manifests + deploy: the rollout completes, the Service has endpoints, the PDB reports status;
 *   2. a new model version (alias moved in a registry) rolls out as revision 2 in a new ReplicaSet;
 *   3. `berth rollback` restores revision 1's template (as revision 3);
 *   4. a broken image: the test bed's kwok Stage (scripts/k8s/stages/pod-image-pull-backoff.yaml)
 *      reports ImagePullBackOff (tag not found) for images named *does-not-exist*;
 *      `berth deploy --auto-rollback` must fail at once naming it and return to the previous
 *      revision.
 * Each step waits with its own bound; the whole file takes about half a minute.
 */
const ns = 'berth-ct-deploy';
const name = 'iris';
const brokenImage = 'berth.invalid/iris:does-not-exist';

describe('berth deploy on the test bed', { skip }, () => {
  let work = '';
  let repository = '';
  let firstImage = '';
  const step = steps(async () => log(`  FAILED; replica sets: ${describeReplicaSets(await replicaSets(ns, name))}`));

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-cluster-deploy-'));
    repository = join(work, 'repository');
    await freshNamespace(ns);
  });

  after(async () => {
    await deleteNamespace(ns);
    if (work) await rm(work, { recursive: true, force: true });
  });

  step('manifests for examples/iris, deploy: rollout done, Service endpoints, PDB status', 150_000, async () => {
    const out = join(work, 'manifests');
    const written = await berth(['manifests', 'examples/iris', '--namespace', ns, '--out', out]);
    assert.equal(written.code, 0, written.stderr);
    const kustomization = parse(await readFile(join(out, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    assert.deepEqual(kustomization.resources, ['service.yaml', 'deployment.yaml', 'hpa.yaml', 'pdb.yaml']);
    const fileDeployment = parse(await readFile(join(out, 'deployment.yaml'), 'utf8'));
    firstImage = imageOf(fileDeployment)!;
    assert.match(firstImage, /^localhost\/iris:1-[0-9a-f]{12}$/);

    const deployed = await berth(['deploy', 'examples/iris', '--namespace', ns, '--timeout', '90']);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /deployed iris to namespace berth-ct-deploy \(revision 1\)/);
    assert.match(deployed.stdout, /successfully rolled out/);

    // What deploy applied is what manifests wrote.
    const live = await readDeployment(ns, name);
    assert.equal(imageOf(live), firstImage);
    assert.equal(revisionOf(live), 1);
    assert.equal(live.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');

    // No spec.replicas while an HPA owns the Deployment: it starts at 1 and the HPA raises it to
    // minReplicas (3) on its first sync (5 s on the test bed), with or without metrics.
    await until('the HPA raises the Deployment to minReplicas 3, all available', 60_000, () => rolledOut(ns, name, 3));
    await until('Service iris has 3 ready endpoints', 30_000, async () => {
      const ready = await readyEndpoints(ns, name);
      return { done: ready.length === 3, detail: `ready endpoints: ${ready.join(', ') || 'none'}` };
    });
    // maxUnavailable 1 over 3 healthy pods: one voluntary disruption allowed.
    await until('PDB iris reports currentHealthy 3, desiredHealthy 2, disruptionsAllowed 1', 30_000, async () => {
      const pdb = await bed().policy.readNamespacedPodDisruptionBudget({ namespace: ns, name });
      const s = pdb.status;
      const done =
        s?.observedGeneration === pdb.metadata?.generation &&
        s?.currentHealthy === 3 &&
        s?.desiredHealthy === 2 &&
        s?.disruptionsAllowed === 1 &&
        s?.expectedPods === 3;
      return {
        done,
        detail: `PDB: currentHealthy ${s?.currentHealthy}, desiredHealthy ${s?.desiredHealthy}, disruptionsAllowed ${s?.disruptionsAllowed}, expectedPods ${s?.expectedPods}`,
      };
    });
    const status = await berth(['status', name, '--namespace', ns, '--json']);
    assert.equal(status.code, 0, status.stderr);
    const summary = JSON.parse(status.stdout);
    assert.equal(summary.revision, 1);
    assert.deepEqual(summary.problems, []);
  });

  step('a new model version (registry alias moved) rolls out as revision 2 in a new ReplicaSet', 120_000, async () => {
    // Version 1 is the example; version 2 another iris classifier (a logistic regression fixture).
    for (const args of [
      ['models', 'register', 'examples/iris', '--repository', repository],
      ['models', 'alias', name, 'production', '1', '--repository', repository],
      ['models', 'register', 'test/fixtures/models/sk-pipeline-logreg', '--name', name, '--repository', repository],
      ['models', 'alias', name, 'production', '2', '--repository', repository],
    ]) {
      const result = await berth(args);
      assert.equal(result.code, 0, result.stderr);
    }
    const before = (await replicaSets(ns, name)).find((rs) => rs.revision === 1)!;
    const deployed = await berth([
      'deploy',
      `${name}@production`,
      '--repository',
      repository,
      '--namespace',
      ns,
      '--timeout',
      '90',
    ]);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, /\(revision 2\)/);
    await until('revision 2 has all 3 replicas; revision 1 scaled to 0', 60_000, async () => {
      const list = await replicaSets(ns, name);
      const rev2 = list.find((rs) => rs.revision === 2);
      const rev1 = list.find((rs) => rs.revision === 1);
      return {
        done: rev2?.ready === 3 && rev2.replicas === 3 && rev1?.replicas === 0,
        detail: describeReplicaSets(list),
      };
    });
    const list = await replicaSets(ns, name);
    const rev2 = list.find((rs) => rs.revision === 2)!;
    assert.notEqual(rev2.name, before.name, 'a new ReplicaSet');
    assert.equal(rev2.modelVersion, '2');
    assert.match(rev2.image!, /^localhost\/iris:2-[0-9a-f]{12}$/);
    const pods = await bed().core.listNamespacedPod({
      namespace: ns,
      labelSelector: `app.kubernetes.io/instance=${name},berth.dev/model-version=2`,
    });
    assert.equal(pods.items.filter((pod) => !pod.metadata?.deletionTimestamp).length, 3);
  });

  step('berth rollback restores the previous revision', 120_000, async () => {
    const result = await berth(['rollback', name, '--namespace', ns, '--timeout', '90']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /rolling back from revision 2 to the template of revision 1/);
    await until("revision 1's template is back (as revision 3) with 3 available replicas", 60_000, async () => {
      const seen = await rolledOut(ns, name, 3);
      const live = await readDeployment(ns, name);
      return {
        done: seen.done && revisionOf(live) === 3 && imageOf(live) === firstImage,
        detail: `${seen.detail}, image ${imageOf(live)}`,
      };
    });
    const history = await kubectlOk(['-n', ns, 'rollout', 'history', `deployment/${name}`]);
    log(`  kubectl rollout history:\n${history.trimEnd()}`);
    assert.match(history, /^3\s+berth: model iris version 1/m);
  });

  step(
    'a broken image: deploy --auto-rollback fails at once naming ImagePullBackOff and rolls back',
    150_000,
    async () => {
      const t0 = Date.now();
      const result = await berth(
        [
          'deploy',
          `${name}@production`,
          '--repository',
          repository,
          '--namespace',
          ns,
          '--image',
          brokenImage,
          '--auto-rollback',
          '--timeout',
          '60',
        ],
        150_000,
      );
      log(`  broken deploy took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      assert.equal(result.code, 1, `expected a failure, got: ${result.stdout}${result.stderr}`);
      const message = result.stderr;
      // The registry says the tag does not exist (the stage's message): waiting would not help.
      assert.match(message, /rollout of `iris` in namespace `berth-ct-deploy` failed/);
      assert.match(
        message,
        /ImagePullBackOff: cannot pull image berth\.invalid\/iris:does-not-exist: the registry has no such tag/,
      );
      assert.match(message, /check the name and tag/);
      assert.match(message, /rolled back to revision 3, which is serving again/);
      const live = await readDeployment(ns, name);
      assert.equal(imageOf(live), firstImage, 'the template of the revision before the broken one');
      assert.equal(revisionOf(live), 5);
      assert.equal((await rolledOut(ns, name, 3)).done, true);
      const list = await replicaSets(ns, name);
      const broken = list.find((rs) => rs.image === brokenImage);
      assert.equal(broken?.replicas, 0, `the broken ReplicaSet is scaled down: ${describeReplicaSets(list)}`);
      const pods = await bed().core.listNamespacedPod({
        namespace: ns,
        labelSelector: `app.kubernetes.io/instance=${name}`,
      });
      const waiting = pods.items.filter(
        (pod) => !pod.metadata?.deletionTimestamp && pod.status?.containerStatuses?.some((c) => c.state?.waiting),
      );
      assert.deepEqual(
        waiting.map((pod) => pod.metadata?.name),
        [],
        'no pod left waiting on the image',
      );
    },
  );
});
