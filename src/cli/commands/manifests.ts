import type { Command } from 'commander';
import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import type { PrepareRequest, PreparedManifests } from '../../deploy/prepare.js';

/**
 * `berth manifests`: Kubernetes objects for a model (issue 5). This file also wires the parts the
 * deploy area may not import itself: the ONNX runtime (to measure the model in a child process)
 * and the registry (to resolve NAME@ALIAS).
 */

/** The flags `manifests` and `deploy` share: the option table plus the model-fact overrides. */
export function manifestFlags(command: Command): Command {
  return command
    .argument('<model>', 'model folder, model.onnx, or NAME@ALIAS from the registry')
    .option('--name <name>', 'name of the Deployment, Service… (default: the model name)')
    .option('--namespace <ns>', 'namespace (default: the kubeconfig context\'s, or none in files)')
    .option('--image <image>', 'container image (default: <model>:<version>-<short sha>, never latest)')
    .option('--format <format>', 'plain Kubernetes objects or a KServe InferenceService: plain|kserve')
    .option('--replicas <n>', 'fixed replicas (with --no-hpa)')
    .option('--hpa', 'generate a HorizontalPodAutoscaler (default)')
    .option('--no-hpa', 'no HorizontalPodAutoscaler: run --replicas pods')
    .option('--min <n>', 'HPA minReplicas')
    .option('--max <n>', 'HPA maxReplicas')
    .option('--target-cpu <percent>', 'HPA target CPU utilisation (% of the request)')
    .option('--cpu <quantity>', 'CPU request, e.g. 500m')
    .option('--memory <quantity>', 'memory request (default: the memory limit)')
    .option('--limits-cpu <quantity>', 'CPU limit')
    .option('--limits-memory <quantity>', 'memory limit (default: measured peak RSS plus a margin)')
    .option('--network-policy', 'also generate a NetworkPolicy')
    .option('--service-monitor', 'also generate a Prometheus Operator ServiceMonitor')
    .option('--monitoring', 'also generate a PrometheusRule with alerts and (with --out) grafana-dashboard.json')
    .option('--otlp-collector <url>', 'send the pods\' traces to this OpenTelemetry collector (OTLP/HTTP base URL); turns tracing on in the pods')
    .option('--pre-stop <mode>', 'sleep (kubelet sleep action, Kubernetes >= 1.30) or server (the server\'s drain delay)')
    .option('--pre-stop-seconds <s>', 'seconds to keep serving after the pod is marked for deletion')
    .option('--service-type <type>', 'ClusterIP|NodePort|LoadBalancer')
    .option('--kserve-mode <mode>', 'RawDeployment|Serverless (with --format kserve)')
    .option('--load-seconds <s>', 'model load time, instead of measuring it')
    .option('--peak-rss-mb <mib>', 'peak memory of a server with the model, instead of measuring it')
    .option('--no-measure', 'do not run the server to measure load time and peak memory under the largest requests')
    .option('--repository <path>', 'model repository for NAME@ALIAS (env BERTH_REPOSITORY, default ./model-repository)');
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
    if (!Number.isFinite(parsed) || parsed <= 0) throw errors.badUsage(`${flag} must be a positive number, got ${JSON.stringify(value)}`);
    return parsed;
  };
  const request: PrepareRequest = {
    ref,
    flags: options,
    overrides: { loadSeconds: number('--load-seconds', options.loadSeconds), peakRssMb: number('--peak-rss-mb', options.peakRssMb) },
    measure: options.measure === false ? undefined : (path, settings) => measureModel(path, { settings }),
    registry: (reference) => lookupInRegistry(reference, options.repository as string | undefined),
  };
  return prepareManifests(request);
}

/** The registry seam: NAME@ALIAS / NAME@VERSION → the version's folder (src/registry/catalog.ts). */
async function lookupInRegistry(reference: string, repositoryFlag: string | undefined) {
  const [{ resolveConfig }, { berthVariables }, { repositoryRoot }, { resolveModel }] = await Promise.all([
    import('../../core/config.js'),
    import('../../core/env.js'),
    import('../../registry/layout.js'),
    import('../../registry/catalog.js'),
  ]);
  const flags = repositoryFlag === undefined ? {} : { 'repository.path': repositoryFlag };
  const repository = repositoryRoot(resolveConfig({ flags, env: berthVariables() }).settings.repository.path);
  const found = await resolveModel(repository, reference);
  return { name: found.name, version: String(found.version), path: found.path, dir: found.dir, sha256: found.sha256 };
}

/** Warnings go to stderr so the YAML on stdout can be piped into kubectl. */
export function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`WARNING: ${warning}\n`);
}

export const manifests: CommandDefinition = {
  name: 'manifests',
  summary: 'generate Kubernetes objects for a model: Deployment, Service, HPA, PDB (+ NetworkPolicy, ServiceMonitor, PrometheusRule and a Grafana dashboard) and kustomization.yaml, or a KServe InferenceService',
  configure: (command) => manifestFlags(command).option('--out <dir>', 'write one file per object plus kustomization.yaml here (default: print YAML)'),
  async run([ref], options): Promise<CommandResult> {
    const prepared = await prepareFromOptions(ref!, options);
    const [{ renderManifests, renderStream }, { writeManifests }] = await Promise.all([import('../../deploy/yaml-writer.js'), import('../../deploy/write-manifests.js')]);
    if (!options.json) printWarnings(prepared.warnings);
    const data = { model: prepared.source, facts: prepared.facts, options: prepared.options, warnings: prepared.warnings };
    if (typeof options.out !== 'string') {
      // A JSON file has no place in a YAML stream for kubectl; --json carries it, --out writes it.
      if (!options.json && prepared.attachments.length > 0) printWarnings([`${prepared.attachments.map((entry) => entry.file).join(', ')} is written only with --out DIR`]);
      return { data: { ...data, objects: prepared.files.map((entry) => entry.object), attachments: prepared.attachments }, text: renderStream(prepared.files).trimEnd() };
    }
    const written = await writeManifests(options.out, [...renderManifests(prepared.files), ...prepared.attachments]);
    return { data: { ...data, files: written }, text: [`wrote ${written.length} files:`, ...written.map((path) => `  ${path}`), `apply with: kubectl apply -k ${options.out}`].join('\n') };
  },
};
