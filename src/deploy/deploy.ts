import { errors } from '../core/errors.js';
import { applyObjects, inNamespace, type AppliedObject } from './apply.js';
import type { Cluster } from './cluster.js';
import type { ManifestSet } from './manifests.js';
import { describeActivity, type PodActivity } from './pod-activity.js';
import { describeProblems } from './pod-problems.js';
import { preflight } from './preflight.js';
import { markRevision, rollbackDeployment, type RollbackResult } from './rollback.js';
import { deploymentRevision } from './rollout-status.js';
import { waitForRollout } from './rollout-wait.js';

export interface DeployRequest {
  cluster: Cluster;
  set: ManifestSet;
  /** --dry-run=server: validated and admitted by the API server, nothing stored, no wait. */
  serverDryRun: boolean;
  autoRollback: boolean;
  timeoutMs: number;
  pollMs: number;
  onProgress?: (line: string) => void;
}

export interface DeployResult {
  namespace: string;
  name: string;
  dryRun: boolean;
  applied: Array<Omit<AppliedObject, 'result'>>;
  /** Revision before and after; undefined for a first deploy or a dry run. */
  previousRevision?: number;
  revision?: number;
  rollout?: string;
  /** What the new pods did on their way to Ready, and the same as one line. */
  activity?: PodActivity;
  pods?: string;
  warnings: string[];
}

/**
 * Apply, then wait like `kubectl rollout status`; on failure, say why in plain words and, with
 * --auto-rollback, return to the previous revision before reporting the failure.
 */
export async function deployToCluster(request: DeployRequest): Promise<DeployResult> {
  const { cluster, set, onProgress } = request;
  const namespace = set.options.namespace ?? cluster.defaultNamespace;
  const name = set.options.name;
  const objects = inNamespace(set.files, namespace);
  const before = request.serverDryRun ? undefined : await cluster.getDeployment(namespace, name);
  const previousRevision = deploymentRevision(before);
  const notes = request.serverDryRun ? [] : await preflight(cluster, objects, before);
  for (const note of notes) onProgress?.(`note: ${note}`);
  const applied = await applyObjects(cluster, objects, { dryRun: request.serverDryRun, onProgress });
  const base = {
    namespace,
    name,
    dryRun: request.serverDryRun,
    applied: applied.map(({ result: _result, ...rest }) => rest),
    previousRevision,
    warnings: [...set.warnings, ...notes],
  };
  if (request.serverDryRun) return base;
  if (set.options.format === 'kserve')
    return {
      ...base,
      rollout: 'applied; KServe rolls the InferenceService out (kubectl get inferenceservice to follow it)',
    };

  const service = objects.some((object) => object.kind === 'Service' && object.metadata.name === name)
    ? name
    : undefined;
  const waited = await waitForRollout(cluster, {
    namespace,
    name,
    service,
    timeoutMs: request.timeoutMs,
    pollMs: request.pollMs,
    onProgress,
  });
  const pods = waited.activity ? describeActivity(waited.activity) : undefined;
  if (waited.outcome === 'done') {
    await markRevision(cluster, namespace, name, waited.revision, undefined).catch(() => undefined);
    return { ...base, revision: waited.revision, rollout: waited.status?.message, activity: waited.activity, pods };
  }

  const why = `${waited.reason}. ${describeProblems(waited.problems)}${pods ? `. ${pods}` : ''}`;
  if (waited.revision !== undefined && waited.revision !== previousRevision)
    await markRevision(cluster, namespace, name, waited.revision, why).catch(() => undefined);
  const rolledBack = request.autoRollback
    ? await autoRollback(request, { namespace, name, service }, previousRevision, waited.revision)
    : undefined;
  const suffix = rolledBack
    ? `; ${rolledBack}`
    : request.autoRollback
      ? ''
      : `; run \`berth rollback ${name}${namespace === cluster.defaultNamespace ? '' : ` --namespace ${namespace}`}\` to return to the previous revision`;
  const seconds = Math.round(request.timeoutMs / 1000);
  throw waited.outcome === 'timeout'
    ? errors.rolloutTimeout(namespace, name, seconds, why + suffix)
    : errors.rolloutFailed(namespace, name, why + suffix);
}

async function autoRollback(
  request: DeployRequest,
  target: { namespace: string; name: string; service?: string },
  previous: number | undefined,
  failed: number | undefined,
): Promise<string> {
  const { namespace, name } = target;
  if (previous === undefined) return 'no earlier revision to roll back to (first deploy)';
  if (failed !== undefined && failed <= previous) return `nothing to roll back (revision ${previous} is still current)`;
  let result: RollbackResult;
  try {
    result = await rollbackDeployment(request.cluster, namespace, name);
  } catch (cause) {
    return `automatic rollback failed: ${(cause as Error).message}`;
  }
  request.onProgress?.(`rolling back to revision ${result.toRevision}`);
  const again = await waitForRollout(request.cluster, {
    ...target,
    timeoutMs: request.timeoutMs,
    pollMs: request.pollMs,
    onProgress: request.onProgress,
  });
  return again.outcome === 'done'
    ? `rolled back to revision ${result.toRevision}, which is serving again`
    : `rolled back to revision ${result.toRevision}, but it has not become available either: ${again.reason}`;
}
