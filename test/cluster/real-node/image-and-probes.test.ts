import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { imageOf } from '../support/objects.js';
import {
  buildAndPush,
  imageRepository,
  irisBody,
  registryDigest,
  serviceUrl,
  skipReal,
  untilThreeReady,
} from '../support/real-node.js';
import { bed, berth, deleteNamespace, freshNamespace, kubectl, kubectlOk, log, steps } from '../support/testbed.js';

/**
 * The iris image on a real node: `berth build --containerize --push` puts it in the cluster's
 * registry under its immutable tag and prints the digest; `berth manifests`/`deploy` name exactly
 * that reference; containerd pulls it; the kubelet's startup probe sees the model loading (503 on
 * /ready) and its readiness probe lets the pods into the Service. A local build's `localhost/`
 * name is refused by the node, and `berth deploy` says what to do about it.
 */
const ns = 'berth-rn-image';
const name = 'iris';

describe('the iris image on a real node', { skip: skipReal }, () => {
  let work = '';
  let reference = '';
  const step = steps();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-rn-image-'));
    await freshNamespace(ns);
  });

  after(async () => {
    await deleteNamespace(ns, true);
    if (work) await rm(work, { recursive: true, force: true });
  });

  step(
    'berth build --containerize --push: the registry holds the immutable tag; the digest is printed',
    25 * 60_000,
    async () => {
      const built = await buildAndPush('examples/iris');
      const pushed = built.image?.pushed;
      assert.ok(pushed, 'the build reports the push');
      assert.match(
        built.tag,
        new RegExp(`^${imageRepository().replace(/[.]/g, '\\.')}:1-[0-9a-f]{12}$`),
        "pushed under the model's own tag",
      );
      assert.equal(built.image!.stored, built.tag, 'a registry name is kept as given');
      assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(pushed.reference, `${built.tag}@${pushed.digest}`);
      assert.equal(
        await registryDigest(imageRepository(), built.tag.split(':').at(-1)!),
        pushed.digest,
        'the registry serves that digest under the tag',
      );
      reference = pushed.reference;
    },
  );

  step(
    "a local build's localhost/ name: the node cannot pull it, and berth deploy says what to do",
    4 * 60_000,
    async () => {
      const result = await berth(
        [
          'deploy',
          'examples/iris',
          '--namespace',
          ns,
          '--name',
          'iris-local',
          '--no-hpa',
          '--replicas',
          '1',
          '--cpu',
          '100m',
          '--timeout',
          '120',
        ],
        180_000,
      );
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr, /note: image localhost\/iris:1-[0-9a-f]{12} is a local build/);
      assert.match(
        result.stderr,
        /cannot pull image localhost\/iris:1-[0-9a-f]{12}: it is the name of a local build.*push it with `berth build --containerize --push REGISTRY\/REPOSITORY`/,
      );
      for (const kind of ['deployment', 'service', 'poddisruptionbudget'])
        await kubectl(['-n', ns, 'delete', kind, 'iris-local', '--ignore-not-found', '--wait=false']);
    },
  );

  step(
    'manifests name the pushed image by tag and digest; deploy: the startup probe sees the model load, /ready admits the pods',
    6 * 60_000,
    async () => {
      const out = join(work, 'manifests');
      const written = await berth([
        'manifests',
        'examples/iris',
        '--image',
        reference,
        '--namespace',
        ns,
        '--out',
        out,
      ]);
      assert.equal(written.code, 0, written.stderr);
      assert.equal(
        imageOf(parse(await readFile(join(out, 'deployment.yaml'), 'utf8'))),
        reference,
        'deployment.yaml names tag and digest',
      );

      // A CPU limit of 50m stretches the server's start and the model's load over several probe
      // periods, as a slower node or a bigger model would, so the kubelet's startup probe (every
      // 2 s) meets it loading: connection refused before it listens, 503 on /ready after.
      const deployed = await berth(
        [
          'deploy',
          'examples/iris',
          '--image',
          reference,
          '--namespace',
          ns,
          '--cpu',
          '50m',
          '--limits-cpu',
          '50m',
          '--timeout',
          '240',
        ],
        300_000,
      );
      assert.equal(deployed.code, 0, deployed.stderr);
      assert.match(deployed.stdout, /deployed iris to namespace berth-rn-image \(revision 1\)/);
      assert.match(
        deployed.stdout,
        /^pods (iris-[a-z0-9]+-[a-z0-9]+(, )?)+: 0 restarts; none OOMKilled; probe failures: startup [1-9]\d* \(while the model loaded\), readiness \d+, liveness 0$/m,
      );
      assert.match(deployed.stderr, /all ready endpoints of Service iris/, "deploy waited for the Service's endpoints");

      await untilThreeReady(ns, name);

      const pods = (
        await bed().core.listNamespacedPod({ namespace: ns, labelSelector: `app.kubernetes.io/instance=${name}` })
      ).items.filter((pod) => !pod.metadata?.deletionTimestamp);
      assert.equal(pods.length, 3);
      for (const pod of pods) {
        const container = pod.spec!.containers[0]!;
        const status = pod.status!.containerStatuses![0]!;
        assert.equal(container.image, reference);
        assert.equal(
          status.imageID,
          `${imageRepository()}@${reference.split('@')[1]}`,
          'containerd ran the pushed digest',
        );
        assert.equal(container.startupProbe?.httpGet?.path, '/ready');
        assert.equal(container.readinessProbe?.httpGet?.path, '/ready');
        assert.equal(pod.status!.conditions!.find((c) => c.type === 'Ready')?.status, 'True');
        assert.equal(status.restartCount, 0);
        const ready = await fetch(`http://${pod.status!.podIP}:8000/ready`);
        assert.equal(ready.status, 200, `GET /ready on ${pod.metadata!.name}`);
      }
      const events = (await bed().core.listNamespacedEvent({ namespace: ns, fieldSelector: 'reason=Unhealthy' })).items;
      const startup = events.filter(
        (event) =>
          /^Startup probe failed/.test(event.message ?? '') &&
          pods.some((pod) => pod.metadata!.name === event.involvedObject.name),
      );
      log(
        `  kubelet startup probe failures: ${startup.map((event) => `${event.involvedObject.name}: ${event.message?.trim()} (×${event.count ?? 1})`).join(' | ')}`,
      );
      const loading = new Map<string, number>();
      for (const pod of pods) {
        const lines = (await kubectlOk(['-n', ns, 'logs', pod.metadata!.name!]))
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { time: number | string; msg: string });
        const at = (msg: (text: string) => boolean) => {
          const line = lines.find((entry) => msg(entry.msg));
          return line ? new Date(line.time).getTime() : NaN;
        };
        const seconds = (at((msg) => msg === 'model ready') - at((msg) => msg.startsWith('listening'))) / 1000;
        log(
          `  ${pod.metadata!.name}: listening → model ready in ${Number.isFinite(seconds) ? seconds.toFixed(1) : '?'} s`,
        );
        loading.set(pod.metadata!.name!, seconds);
      }
      assert.ok(startup.length > 0, 'the startup probe failed while the server started');
      assert.ok(
        startup.every((event) => /statuscode: 503|connection refused/.test(event.message ?? '')),
        'it failed for starting, not for anything else',
      );
      // A probe meets the model loading only where the server listened for longer than one probe
      // period before the model was ready: a faster start is no failure, and no test may hang on speed.
      const period = pods[0]!.spec!.containers[0]!.startupProbe!.periodSeconds!;
      for (const [pod, seconds] of loading)
        if (seconds > period)
          assert.ok(
            startup.some((event) => event.involvedObject.name === pod && /statuscode: 503/.test(event.message ?? '')),
            `${pod} listened ${seconds} s before its model was ready, longer than the ${period} s probe period, and no probe met it loading (503)`,
          );

      const answer = await fetch(await serviceUrl(ns, name), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: irisBody,
      });
      assert.equal(answer.status, 200);
      const body = (await answer.json()) as { prediction: unknown; label?: string };
      assert.equal(body.label ?? body.prediction, 'setosa');
      const status = await berth(['status', name, '--namespace', ns, '--json']);
      assert.equal(status.code, 0, status.stderr);
      const summary = JSON.parse(status.stdout);
      assert.equal(summary.image, reference);
      assert.deepEqual(summary.problems, []);
    },
  );
});
