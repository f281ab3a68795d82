import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';

/** The Deployment name from `iris`, `iris@production` or `Iris_v2`. */
export async function deploymentName(argument: string): Promise<string> {
  const { resourceName } = await import('../../deploy/labels.js');
  return resourceName(argument.split('@')[0]!);
}

/** `berth rollback`: back to the previous revision, like `kubectl rollout undo`, then wait. */
export const rollback: CommandDefinition = {
  name: 'rollback',
  summary: 'return a deployed model to its previous revision (kubectl rollout undo) and wait for it',
  configure: (command) =>
    command
      .argument('<name>', 'Deployment name (or the model reference it was deployed from)')
      .option('--namespace <ns>', "namespace (default: the kubeconfig context's)")
      .option('--timeout <seconds>', 'how long to wait for the rollback rollout (default 300)')
      .option('--no-wait', 'do not wait for the rollout'),
  async run([argument], options): Promise<CommandResult> {
    const [
      { kubeCluster },
      { rollbackDeployment },
      { waitForRollout },
      { describeActivity },
      { defaults },
      { errors },
    ] = await Promise.all([
      import('../../deploy/kube-cluster.js'),
      import('../../deploy/rollback.js'),
      import('../../deploy/rollout-wait.js'),
      import('../../deploy/pod-activity.js'),
      import('../../core/defaults.js'),
      import('../../core/errors.js'),
    ]);
    const cluster = kubeCluster();
    const namespace = (options.namespace as string | undefined) ?? cluster.defaultNamespace;
    const name = await deploymentName(argument!);
    const result = await rollbackDeployment(cluster, namespace, name);
    if (result.skipped)
      return {
        data: result,
        text: `${namespace}/${name} already runs the template of revision ${result.toRevision}; nothing to do`,
      };
    const head = `${namespace}/${name}: rolling back from revision ${result.fromRevision ?? '?'} to the template of revision ${result.toRevision}`;
    if (options.wait === false) return { data: result, text: head };
    const timeoutSeconds =
      options.timeout === undefined ? defaults.deploy.rolloutTimeoutSeconds : Number(options.timeout);
    const service = (await cluster.getService(namespace, name)) ? name : undefined;
    const waited = await waitForRollout(cluster, {
      namespace,
      name,
      service,
      timeoutMs: timeoutSeconds * 1000,
      pollMs: defaults.deploy.pollIntervalMs,
      onProgress: options.json ? undefined : (line) => process.stderr.write(`${line}\n`),
    });
    if (waited.outcome !== 'done')
      throw errors.rolloutFailed(
        namespace,
        name,
        `the rollback to revision ${result.toRevision} did not become available: ${waited.reason}`,
      );
    const pods = waited.activity ? describeActivity(waited.activity) : undefined;
    return {
      data: { ...result, revision: waited.revision, activity: waited.activity },
      text: [head, waited.status?.message, pods].filter(Boolean).join('\n'),
    };
  },
};
