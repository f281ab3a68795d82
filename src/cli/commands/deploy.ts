import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import { manifestFlags, prepareFromOptions, printWarnings } from './manifests.js';

/** `berth deploy`: server-side apply, wait for the rollout, explain and optionally roll back. */
export const deploy: CommandDefinition = {
  name: 'deploy',
  summary: 'apply the generated objects to the cluster of your kubeconfig and wait for the rollout',
  configure: (command) =>
    manifestFlags(command)
      .option(
        '--dry-run [mode]',
        'print what would be applied (client), or have the API server validate it without storing (server)',
      )
      .option('--auto-rollback', 'if the rollout fails, return to the previous revision')
      .option('--timeout <seconds>', 'how long to wait for the rollout (default 300)'),
  async run([ref], options): Promise<CommandResult> {
    const [{ errors }, { defaults }] = await Promise.all([
      import('../../core/errors.js'),
      import('../../core/defaults.js'),
    ]);
    const dryRun =
      options.dryRun === undefined
        ? 'none'
        : options.dryRun === true || options.dryRun === 'client'
          ? 'client'
          : options.dryRun === 'server'
            ? 'server'
            : undefined;
    if (!dryRun) throw errors.badUsage(`--dry-run takes client or server, got ${JSON.stringify(options.dryRun)}`);
    const timeoutSeconds =
      options.timeout === undefined ? defaults.deploy.rolloutTimeoutSeconds : Number(options.timeout);
    if (!(timeoutSeconds > 0))
      throw errors.badUsage(`--timeout must be a positive number of seconds, got ${JSON.stringify(options.timeout)}`);
    const prepared = await prepareFromOptions(ref!, options);
    if (!options.json) printWarnings(prepared.warnings);
    if (dryRun === 'client') {
      const { renderStream } = await import('../../deploy/yaml-writer.js');
      const text = `# dry run: these objects would be applied with server-side apply (field manager berth)\n${renderStream(prepared.files)}`;
      return {
        data: { dryRun: 'client', objects: prepared.files.map((entry) => entry.object), warnings: prepared.warnings },
        text: text.trimEnd(),
      };
    }
    const [{ kubeCluster }, { deployToCluster }] = await Promise.all([
      import('../../deploy/kube-cluster.js'),
      import('../../deploy/deploy.js'),
    ]);
    const progress = (line: string) => process.stderr.write(`${line}\n`);
    const result = await deployToCluster({
      cluster: kubeCluster(),
      set: prepared,
      serverDryRun: dryRun === 'server',
      autoRollback: Boolean(options.autoRollback),
      timeoutMs: timeoutSeconds * 1000,
      pollMs: defaults.deploy.pollIntervalMs,
      onProgress: options.json ? undefined : progress,
    });
    const head = result.dryRun
      ? `server dry run: ${result.applied.length} objects accepted in namespace ${result.namespace}`
      : `deployed ${result.name} to namespace ${result.namespace}${result.revision ? ` (revision ${result.revision})` : ''}`;
    return {
      data: { ...result, model: prepared.source, image: prepared.options.image },
      text: [
        head,
        ...result.applied.map((entry) => `  ${entry.kind}/${entry.name}`),
        ...(result.rollout ? [result.rollout] : []),
        ...(result.pods ? [result.pods] : []),
      ].join('\n'),
    };
  },
};
