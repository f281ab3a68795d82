import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import { deploymentName } from './rollback.js';

/** `berth status`: replicas, rollout, HPA state, image and model version of a deployed model. */
export const status: CommandDefinition = {
  name: 'status',
  summary: 'show a deployed model: replicas, rollout, HPA, image and model version, pod problems',
  configure: (command) =>
    command
      .argument('<name>', 'Deployment name (or the model reference it was deployed from)')
      .option('--namespace <ns>', "namespace (default: the kubeconfig context's)"),
  async run([argument], options): Promise<CommandResult> {
    const [{ kubeCluster }, { deploymentStatus, formatStatus }] = await Promise.all([
      import('../../deploy/kube-cluster.js'),
      import('../../deploy/status.js'),
    ]);
    const cluster = kubeCluster();
    const summary = await deploymentStatus(
      cluster,
      (options.namespace as string | undefined) ?? cluster.defaultNamespace,
      await deploymentName(argument!),
    );
    return { data: summary, text: formatStatus(summary) };
  },
};
