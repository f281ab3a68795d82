import type { Command } from 'commander';
import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import type { PrepareRequest, PreparedManifests } from '../../deploy/prepare.js';
import { registryLookup } from '../model-repository.js';
import { addSettingFlags } from '../setting-flags.js';

/**
 * `berth manifests`: Kubernetes objects for a model. This file also wires the parts the deploy
 * area may not import itself: the ONNX runtime (to measure the model in a child process) and the
 * registry (to resolve NAME@ALIAS).
 */

/** The flags `manifests` and `deploy` share: the deploy settings (config schema) plus the model-fact overrides. */
export function manifestFlags(command: Command): Command {
  return addSettingFlags(command.argument('<model>', 'model folder, model.onnx, or NAME@ALIAS from the registry'), [
    'deploy',
    'repository.path',
  ])
    .option('--load-seconds <s>', 'model load time, instead of measuring it')
    .option('--peak-rss-mb <mib>', 'peak memory of a server with the model, instead of measuring it')
    .option('--no-measure', 'do not run the server to measure load time and peak memory under the largest requests');
}

/** Options → a PrepareRequest with the runtime-based measurer and the registry lookup. */
export async function prepareFromOptions(ref: string, options: Record<string, unknown>): Promise<PreparedManifests> {
  const [{ prepareManifests }, { measureModel }, { errors }] = await Promise.all([
    import('../../deploy/prepare.js'),
    import('../../deploy/measure-model.js'),
    import('../../core/errors.js'),
  ]);
  const number = (flag: string, value: unknown) => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0)
      throw errors.badUsage(`${flag} must be a positive number, got ${JSON.stringify(value)}`);
    return parsed;
  };
  const request: PrepareRequest = {
    ref,
    flags: options,
    overrides: {
      loadSeconds: number('--load-seconds', options.loadSeconds),
      peakRssMb: number('--peak-rss-mb', options.peakRssMb),
    },
    measure: options.measure === false ? undefined : (path, settings) => measureModel(path, { settings }),
    registry: registryLookup(options),
  };
  return prepareManifests(request);
}

/** Warnings go to stderr so the YAML on stdout can be piped into kubectl. */
export function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`WARNING: ${warning}\n`);
}

export const manifests: CommandDefinition = {
  name: 'manifests',
  summary:
    'generate Kubernetes objects for a model: Deployment, Service, HPA, PDB (+ NetworkPolicy, ServiceMonitor, PrometheusRule and a Grafana dashboard) and kustomization.yaml, or a KServe InferenceService',
  configure: (command) =>
    manifestFlags(command).option(
      '--out <dir>',
      'write one file per object plus kustomization.yaml here (default: print YAML)',
    ),
  async run([ref], options): Promise<CommandResult> {
    const prepared = await prepareFromOptions(ref!, options);
    const [{ renderManifests, renderStream }, { writeManifests }] = await Promise.all([
      import('../../deploy/yaml-writer.js'),
      import('../../deploy/write-manifests.js'),
    ]);
    if (!options.json) printWarnings(prepared.warnings);
    const data = {
      model: prepared.source,
      facts: prepared.facts,
      options: prepared.options,
      warnings: prepared.warnings,
    };
    if (typeof options.out !== 'string') {
      // A JSON file has no place in a YAML stream for kubectl; --json carries it, --out writes it.
      if (!options.json && prepared.attachments.length > 0)
        printWarnings([`${prepared.attachments.map((entry) => entry.file).join(', ')} is written only with --out DIR`]);
      return {
        data: { ...data, objects: prepared.files.map((entry) => entry.object), attachments: prepared.attachments },
        text: renderStream(prepared.files).trimEnd(),
      };
    }
    const written = await writeManifests(options.out, [...renderManifests(prepared.files), ...prepared.attachments]);
    return {
      data: { ...data, files: written },
      text: [
        `wrote ${written.length} files:`,
        ...written.map((path) => `  ${path}`),
        `apply with: kubectl apply -k ${options.out}`,
      ].join('\n'),
    };
  },
};
