import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import { runProgram } from '../../../src/core/programs.js';
import { LatencyRecorder } from '../../../src/plan/latency-stats.js';
import type { BuildResult } from '../../../src/package/build.js';
import { makeBaseImages } from '../../package/support/base-images.js';
import { freshBerthRoot, repoRoot } from '../../package/support/berth-root.js';
import { readyEndpoints, rolledOut } from './objects.js';
import { bed, berth, log, testbed, until } from './testbed.js';

/**
 * The test bed's real-node mode (scripts/k8s-real-node.sh): pods run as containers under a real
 * kubelet, and images come from the registry in the cluster's network namespace. The test files
 * in test/cluster/real-node/ run inside that namespace (scripts/test-cluster.sh starts them with
 * `k8s-real-node.sh exec`), so Service IPs, pod IPs and the registry answer on their own addresses.
 */
export interface RealNode {
  /** host:port of the registry, on loopback in the cluster's namespace. */
  registry: string;
  nodeName: string;
}

const registry = process.env.K8S_REAL_NODE_REGISTRY;
export const realNode: RealNode | undefined =
  testbed && registry ? { registry, nodeName: process.env.K8S_REAL_NODE_NAME ?? '' } : undefined;

export const skipReal: string | false = realNode
  ? false
  : "needs the test bed's real node: run `npm run test:cluster` (it builds, starts and stops it)";

export function node(): RealNode {
  if (!realNode) throw new Error('the real node is not configured (K8S_REAL_NODE_REGISTRY)');
  return realNode;
}

/** The repository the suite pushes its images to. */
export const imageRepository = () => `${node().registry}/berth-test/iris`;

/**
 * `berth deploy` flags that give the iris model's load time and peak memory (about what its
 * measurement finds: a 576Mi limit) instead of measuring them at every deploy. The measurement is
 * tested where it matters (the image and memory files); in the rollout files it would only run a
 * CPU-heavy server of its own inside each rollout's traffic window, and its result varies from run
 * to run, so two deploys of one model would write different templates.
 */
export const irisFacts = ['--load-seconds', '3', '--peak-rss-mb', '400'] as const;

/** A request of the iris example. */
export const irisBody = JSON.stringify({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });

let baseImages: Promise<{ base: string; builder: string }> | undefined;
let berthRoot: Promise<string> | undefined;

/**
 * Berth's local base images: scripts/test-cluster.sh builds them outside the cluster's namespace
 * (a cold build fetches Debian packages) and names them here; otherwise scripts/base-image/build.sh,
 * which only works here when its images exist.
 */
function ensureBaseImages(): Promise<{ base: string; builder: string }> {
  const { K8S_REAL_NODE_BASE_IMAGE: base, K8S_REAL_NODE_BUILDER_IMAGE: builder } = process.env;
  if (base && builder) return Promise.resolve({ base, builder });
  baseImages ??= makeBaseImages().then((images) => ({ base: images.BASE_IMAGE, builder: images.BUILDER_IMAGE }));
  return baseImages;
}

/**
 * `berth build MODEL --containerize --push REGISTRY/berth-test/iris`, the compiled CLI of this
 * checkout (the image holds dist/). Returns the build's JSON result.
 */
export async function buildAndPush(model: string, extra: readonly string[] = []): Promise<BuildResult> {
  const { base, builder } = await ensureBaseImages();
  berthRoot ??= freshBerthRoot(log);
  const root = await berthRoot;
  const args = [
    'build',
    model,
    '--push',
    imageRepository(),
    '--base-image',
    base,
    '--builder-image',
    builder,
    '--json',
    ...extra,
  ];
  log(`$ berth ${args.join(' ')}`);
  const result = await runProgram(process.execPath, [join(root, 'dist/cli/bin.js'), ...args], {
    cwd: repoRoot,
    timeoutMs: 20 * 60_000,
  });
  if (result.code !== 0)
    throw new Error(`berth build --push failed (exit ${result.code}):\n${result.stderr.slice(-4000)}`);
  const built = JSON.parse(result.stdout) as BuildResult;
  log(
    `  pushed ${built.image?.pushed?.reference} (build ${built.image?.seconds} s, push ${built.image?.pushed?.seconds} s)`,
  );
  return built;
}

/** The registry's digest for repository:tag (Distribution API HEAD of the manifest), or undefined. */
export async function registryDigest(repository: string, tag: string): Promise<string | undefined> {
  const [host, ...path] = repository.split('/');
  const accept = [
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.oci.image.index.v1+json',
  ].join(', ');
  const response = await fetch(`http://${host}/v2/${path.join('/')}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept },
  });
  return response.status === 200 ? (response.headers.get('docker-content-digest') ?? undefined) : undefined;
}

/**
 * The pushed reference (`…:tag@sha256:…`) of a model's image: built and pushed unless the registry
 * already has its tag (an earlier file of the same run pushed it).
 */
export async function pushedImage(model: string, extra: readonly string[] = []): Promise<string> {
  const [{ buildRequest }, { registryLookup }] = await Promise.all([
    import('../../../src/package/build-request.js'),
    import('../../../src/registry/catalog.js'),
  ]);
  const options = new Map<string, string>();
  for (let index = 0; index < extra.length; index += 2) options.set(extra[index]!, extra[index + 1]!);
  const repository = options.get('--repository');
  const request = await buildRequest(model, {
    tag: options.get('--tag'),
    registry: repository === undefined ? undefined : registryLookup(repository),
  });
  const tag = request.tag.split(':').at(-1)!;
  const digest = await registryDigest(imageRepository(), tag);
  if (digest) return `${imageRepository()}:${tag}@${digest}`;
  const built = await buildAndPush(model, extra);
  return built.image!.pushed!.reference;
}

/** Waits until every pod of `instance` runs `image` and none is terminating: a rollout's drain is over. */
export async function oldPodsGone(namespace: string, instance: string, image: string): Promise<void> {
  await until(
    'the old pods have exited',
    120_000,
    async () => {
      const pods = (
        await bed().core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/instance=${instance}` })
      ).items;
      const leaving = pods.filter((pod) => pod.metadata?.deletionTimestamp || pod.spec?.containers[0]?.image !== image);
      return { done: leaving.length === 0, detail: `${leaving.length} old pod(s) still there` };
    },
    1000,
  );
}

/** The Service's ClusterIP URL (reachable here: the tests run in the cluster's namespace). */
export async function serviceUrl(namespace: string, name: string, path = '/predict'): Promise<string> {
  const service = await bed().core.readNamespacedService({ namespace, name });
  const port = service.spec?.ports?.find((p) => p.name === 'http')?.port ?? 80;
  return `http://${service.spec!.clusterIP}:${port}${path}`;
}

export interface TrafficSummary {
  mode: 'keep-alive' | 'new connection per request';
  requests: number;
  /** Every request that did not get a 2xx answer with a JSON body: errors, timeouts, other statuses. */
  failed: number;
  errors: Record<string, number>;
  statusCodes: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

export interface Traffic {
  /** Stops sending, waits for the answers in flight, and summarises. */
  stop(): Promise<TrafficSummary>;
}

/**
 * POSTs `body` to `url` from `connections` clients at `rate` requests per second in all, until
 * stopped (at most `maxSeconds`), each on a keep-alive connection (Node's http.Agent, as most
 * services' clients) or on a new connection for every request (`Connection: close`, no agent).
 * Node's own HTTP client, because autocannon's reconnect mode does not report the responses of
 * the connections it closes. Every response time is kept, so the p99 covers exactly the window
 * in which traffic flowed.
 */
export function traffic(
  url: string,
  options: {
    keepAlive: boolean;
    rate: number;
    connections?: number;
    body?: string;
    maxSeconds?: number;
    timeoutMs?: number;
  },
): Traffic {
  const connections = options.connections ?? 4;
  const body = options.body ?? irisBody;
  const agent = options.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: connections }) : undefined;
  const recorder = new LatencyRecorder();
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const interval = (1000 * connections) / options.rate;
  const deadline = Date.now() + (options.maxSeconds ?? 600) * 1000;
  let stopped = false;
  const count = (table: Record<string, number>, key: string) => void (table[key] = (table[key] ?? 0) + 1);

  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const request = http.request(
        url,
        {
          method: 'POST',
          agent: agent ?? false,
          timeout: options.timeoutMs ?? 10_000,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(agent ? {} : { connection: 'close' }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error: NodeJS.ErrnoException) => {
            count(errors, error.code ?? error.message);
            resolve();
          });
          response.on('end', () => {
            recorder.add(performance.now() - started);
            const code = response.statusCode ?? 0;
            let parsed = false;
            try {
              parsed = typeof JSON.parse(Buffer.concat(chunks).toString('utf8')) === 'object';
            } catch {
              parsed = false;
            }
            count(statusCodes, code >= 200 && code < 300 && !parsed ? `${code} (not JSON)` : String(code));
            resolve();
          });
        },
      );
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      request.on('error', (error: NodeJS.ErrnoException) => {
        count(errors, error.code ?? error.message);
        resolve();
      });
      request.end(body);
    });

  const worker = async (index: number) => {
    let next = Date.now() + (interval * index) / connections;
    while (!stopped && Date.now() < deadline) {
      const wait = next - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopped) break;
      next = Math.max(next + interval, Date.now() - interval);
      await once();
    }
  };
  const workers = Promise.all(Array.from({ length: connections }, (_, index) => worker(index)));

  return {
    async stop() {
      stopped = true;
      await workers;
      agent?.destroy();
      const latency = recorder.summary();
      const answered = Object.values(statusCodes).reduce((sum, n) => sum + n, 0);
      const failedCalls = Object.values(errors).reduce((sum, n) => sum + n, 0);
      const good = Object.entries(statusCodes).reduce((sum, [code, n]) => sum + (/^2\d\d$/.test(code) ? n : 0), 0);
      return {
        mode: options.keepAlive ? 'keep-alive' : 'new connection per request',
        requests: answered + failedCalls,
        failed: answered - good + failedCalls,
        errors,
        statusCodes,
        p50: Math.round(latency.p50 * 10) / 10,
        p99: Math.round(latency.p99 * 10) / 10,
        max: Math.round(latency.max * 10) / 10,
      };
    },
  };
}

export function describeTraffic(summary: TrafficSummary): string {
  const why =
    summary.failed > 0
      ? ` (answers ${JSON.stringify(summary.statusCodes)}, errors ${JSON.stringify(summary.errors)})`
      : '';
  return `${summary.mode}: ${summary.requests} requests, ${summary.failed} failed${why}; p50 ${summary.p50} ms, p99 ${summary.p99} ms, max ${summary.max} ms`;
}

/** A model version to deploy: `berth deploy` arguments and its pushed image. */
export interface PushedVersion {
  args: string[];
  image: string;
}

/**
 * Two iris versions to roll between, each pushed: the example (an unregistered file: version 1) and
 * a logistic regression registered as `name@1` in `repository`.
 */
export async function twoPushedVersions(name: string, repository: string): Promise<[PushedVersion, PushedVersion]> {
  const registered = await berth([
    'models',
    'register',
    'test/fixtures/models/sk-pipeline-logreg',
    '--name',
    name,
    '--repository',
    repository,
  ]);
  assert.equal(registered.code, 0, registered.stderr);
  return [
    { args: ['examples/iris'], image: await pushedImage('examples/iris') },
    {
      args: [`${name}@1`, '--repository', repository],
      image: await pushedImage(`${name}@1`, ['--repository', repository]),
    },
  ];
}

/** Waits until the HPA's minReplicas of 3 are available and the Service lists all three as ready endpoints. */
export async function untilThreeReady(namespace: string, name: string): Promise<void> {
  await until(
    'the HPA raises the Deployment to minReplicas 3, all available',
    180_000,
    () => rolledOut(namespace, name, 3),
    2000,
  );
  await until(`Service ${name} has 3 ready endpoints`, 60_000, async () => {
    const ready = await readyEndpoints(namespace, name);
    return { done: ready.length === 3, detail: `ready endpoints: ${ready.join(', ') || 'none'}` };
  });
}
