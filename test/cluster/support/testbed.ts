import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  PolicyV1Api,
} from '@kubernetes/client-node';
import { test, type TestContext } from 'node:test';
import { runProgram, type ProgramResult } from '../../../src/core/programs.js';

/**
 * The Kubernetes test bed the cluster suite runs against: scripts/test-cluster.sh brings it up
 * (scripts/k8s-testbed.sh: kube-apiserver, controllers and scheduler v1.36.3, kwok nodes,
 * metrics-server) and exports where its kubeconfig and kubectl are. Every command and client here
 * is pointed at that kubeconfig explicitly, so the suite can never touch the cluster of the
 * user's own $KUBECONFIG. Without the variables (a plain `npm test`) the suite skips.
 */
export interface Testbed {
  kubeconfig: string;
  kubectlPath: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  policy: PolicyV1Api;
  discovery: DiscoveryV1Api;
}

function connect(): Testbed | undefined {
  const kubeconfig = process.env.K8S_TESTBED_KUBECONFIG;
  const kubectlPath = process.env.K8S_TESTBED_KUBECTL;
  if (!kubeconfig || !kubectlPath) return undefined;
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return {
    kubeconfig,
    kubectlPath,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    autoscaling: config.makeApiClient(AutoscalingV2Api),
    policy: config.makeApiClient(PolicyV1Api),
    discovery: config.makeApiClient(DiscoveryV1Api),
  };
}

export const testbed = connect();

/** `test(name, { skip }, …)`: false on the test bed, otherwise why the test does not run. */
export const skip: string | false = testbed
  ? false
  : 'needs the Kubernetes test bed: run `npm run test:cluster` (it builds, starts and stops it)';

export function bed(): Testbed {
  if (!testbed)
    throw new Error('the Kubernetes test bed is not configured (K8S_TESTBED_KUBECONFIG, K8S_TESTBED_KUBECTL)');
  return testbed;
}

const started = Date.now();

/** One progress line on stderr, with seconds since this file started. */
export function log(line: string): void {
  process.stderr.write(`  [${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}\n`);
}

/**
 * The real CLI (`node --import tsx src/cli/bin.ts …`) against the test bed. Its stderr (berth's
 * progress lines) is echoed as it arrives.
 */
export async function berth(args: readonly string[], timeoutMs = 120_000): Promise<ProgramResult> {
  const { BERTH_REPOSITORY: _ignored, KUBECONFIG: _theirs, ...base } = process.env;
  log(`$ berth ${args.join(' ')}`);
  const result = await runProgram(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
    env: { ...base, KUBECONFIG: bed().kubeconfig },
    timeoutMs,
    onOutput: (chunk, stream) => {
      if (stream === 'stderr') for (const line of chunk.split('\n').filter(Boolean)) log(`    berth: ${line}`);
    },
  });
  log(`  exit ${result.code}`);
  return result;
}

/** kubectl v1.36.3 from the test bed's cache, with the test bed's kubeconfig. */
export function kubectl(args: readonly string[], timeoutMs = 60_000): Promise<ProgramResult> {
  return runProgram(bed().kubectlPath, ['--kubeconfig', bed().kubeconfig, ...args], { timeoutMs });
}

/** kubectl that must succeed; returns its stdout. */
export async function kubectlOk(args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const result = await kubectl(args, timeoutMs);
  if (result.code !== 0)
    throw new Error(
      `kubectl ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
  return result.stdout;
}

export interface Observation {
  done: boolean;
  /** What was seen, for progress lines and the timeout message. */
  detail: string;
}

/**
 * Polls `probe` every `pollMs` until it reports done; logs each new observation; fails with the
 * last one after `timeoutMs`. Returns the seconds it took.
 */
export async function until(
  what: string,
  timeoutMs: number,
  probe: () => Promise<Observation>,
  pollMs = 1000,
): Promise<number> {
  const t0 = Date.now();
  let last = '';
  log(`waiting (≤ ${timeoutMs / 1000} s): ${what}`);
  for (;;) {
    let seen: Observation;
    try {
      seen = await probe();
    } catch (error) {
      seen = { done: false, detail: `error: ${(error as Error).message.split('\n')[0]}` };
    }
    if (seen.detail !== last) log(`  ${seen.detail}`);
    last = seen.detail;
    const seconds = (Date.now() - t0) / 1000;
    if (seen.done) {
      log(`  ok after ${seconds.toFixed(1)} s: ${what}`);
      return seconds;
    }
    if (Date.now() - t0 >= timeoutMs)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for: ${what}; last seen: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** A new, empty namespace (an old one of that name is deleted first) with its default ServiceAccount. */
export async function freshNamespace(name: string): Promise<string> {
  await kubectlOk(['delete', 'namespace', name, '--ignore-not-found', '--wait=true'], 120_000);
  await kubectlOk(['create', 'namespace', name]);
  // Pods are refused until the ServiceAccount controller has created "default".
  await until(
    `ServiceAccount default in ${name}`,
    30_000,
    async () => {
      const result = await kubectl(['-n', name, 'get', 'serviceaccount', 'default', '-o', 'name']);
      return { done: result.code === 0, detail: result.code === 0 ? 'present' : 'not yet' };
    },
    500,
  );
  return name;
}

/** Deletes a namespace; with `wait`, until its pods are gone (on a real node they hold CPU and memory the next test may need). */
export async function deleteNamespace(name: string, wait = false): Promise<void> {
  if (testbed)
    await kubectl(['delete', 'namespace', name, '--ignore-not-found', `--wait=${wait}`, '--timeout=180s'], 200_000);
}

/**
 * Tests that build on each other: after one fails, the later ones skip instead of failing again.
 * `onFailure` may log what the cluster looked like.
 */
export function steps(onFailure?: () => Promise<void>) {
  let failed = false;
  return (title: string, timeoutMs: number, body: (t: TestContext) => Promise<void>): void =>
    void test(title, { timeout: timeoutMs }, async (t) => {
      if (failed) return t.skip('an earlier step failed');
      log(`— ${title}`);
      try {
        await body(t);
      } catch (error) {
        failed = true;
        await onFailure?.().catch(() => undefined);
        throw error;
      }
    });
}
