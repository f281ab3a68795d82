import type { Settings } from '../core/config.js';
import { errors } from '../core/errors.js';
import type { ModelFacts } from './model-facts.js';
import { imageTag } from './model-facts.js';
import type { DeployOptions, GivenKeys } from './options.js';
import { mebibytes, parseQuantity } from '../core/quantity.js';
import { recommendedMemoryMiB } from './resources.js';

/**
 * The rules run after parsing and normalising: impossible combinations throw BERTH_BAD_CONFIG,
 * risky ones come back as warnings (printed by the CLI, listed in `--json`). Each rule is one
 * small function, as in changesets' config rules.
 */
export interface RuleContext {
  options: DeployOptions;
  given: GivenKeys;
  facts: ModelFacts;
  settings: Settings;
}

type Rule = (context: RuleContext) => string | undefined;

const bytes = (quantity: string) => parseQuantity(quantity)!;

/** The OOMKilled gotcha: a limit below what the model was measured to need. */
const memoryLimitBelowNeed: Rule = ({ options, facts }) => {
  const recommendation = recommendedMemoryMiB(facts);
  const limitMiB = mebibytes(bytes(options.resources.limits.memory));
  const source = recommendation.assumed ? 'assumed' : facts.measuredBy === 'flags' ? 'given' : 'measured';
  if (limitMiB < recommendation.peakMiB) {
    return `memory limit ${options.resources.limits.memory} is below the ${source} peak RSS of ${recommendation.peakMiB} MiB: every pod will be OOMKilled as soon as it loads the model; use at least ${recommendation.limitMiB}Mi`;
  }
  if (limitMiB < recommendation.limitMiB) {
    return `memory limit ${options.resources.limits.memory} leaves less than the recommended margin over the ${source} peak RSS of ${recommendation.peakMiB} MiB: pods may be OOMKilled under load; Berth recommends ${recommendation.limitMiB}Mi`;
  }
  return undefined;
};

const unmeasured: Rule = ({ facts }) =>
  facts.measuredBy === 'none'
    ? 'load time and peak memory were not measured: the startupProbe and memory limit use assumed values; pass --load-seconds and --peak-rss-mb, or let berth measure the model file'
    : undefined;

const replicasIgnored: Rule = ({ options, given }) =>
  options.autoscaling.enabled && given.has('deploy.replicas')
    ? `--replicas is ignored while the HPA is on (it owns spec.replicas); use --min/--max, or --no-hpa for a fixed count`
    : undefined;

/** One replica: a node drain or a rollout leaves no pod serving for a moment. */
const singleReplica: Rule = ({ options }) => {
  const least = options.autoscaling.enabled ? options.autoscaling.minReplicas : options.replicas;
  return least < 2
    ? `${options.autoscaling.enabled ? 'minReplicas' : 'replicas'} is ${least}: a node drain or a crash leaves no pod serving; use at least 2 for a highly available service`
    : undefined;
};

/** The seed's "Rollback is ambiguous. You tagged latest" gotcha. */
const mutableTag: Rule = ({ options }) => {
  if (options.image.includes('@sha256:')) return undefined;
  const tag = imageTag(options.image);
  return tag === undefined || tag === 'latest'
    ? `image ${options.image} has ${tag ? 'the tag latest' : 'no tag (so latest)'}: rollbacks become ambiguous; use an immutable tag such as <name>:<version>-<sha>`
    : undefined;
};

const loopbackHost: Rule = ({ settings }) =>
  ['127.0.0.1', 'localhost', '::1'].includes(settings.server.host)
    ? `server.host is ${settings.server.host}: the kubelet's probes and the Service cannot reach a pod listening on loopback; use 0.0.0.0`
    : undefined;

const apiKeySecret: Rule = ({ options, settings }) =>
  settings.server.apiKey
    ? `server.apiKey is set: the manifests read it from Secret ${options.name}-api-key (key api-key) instead of writing it in plain text; create it with kubectl create secret generic ${options.name}-api-key --from-literal=api-key=…`
    : undefined;

const kserveIgnores: Rule = ({ options }) =>
  options.format === 'kserve' && (options.networkPolicy || options.serviceMonitor)
    ? '--network-policy and --service-monitor apply to --format plain only; KServe creates its own networking and metrics objects'
    : undefined;

const rules: Rule[] = [
  memoryLimitBelowNeed,
  unmeasured,
  replicasIgnored,
  singleReplica,
  mutableTag,
  loopbackHost,
  apiKeySecret,
  kserveIgnores,
];

/** Throws for what the API server would reject; returns warnings for what would hurt later. */
export function checkDeployOptions(context: RuleContext): string[] {
  const { options } = context;
  const { requests, limits } = options.resources;
  if (bytes(requests.memory) > bytes(limits.memory))
    throw errors.badConfig(
      'deploy.resources.requests.memory',
      `${requests.memory} is more than the limit ${limits.memory}; Kubernetes rejects requests above limits`,
    );
  if (bytes(requests.cpu) > bytes(limits.cpu))
    throw errors.badConfig(
      'deploy.resources.requests.cpu',
      `${requests.cpu} is more than the limit ${limits.cpu}; Kubernetes rejects requests above limits`,
    );
  if (options.rollout.maxSurge === 0 && options.rollout.maxUnavailable === 0)
    throw errors.badConfig(
      'deploy.rollout',
      'maxSurge and maxUnavailable are both 0, so a rolling update could never replace a pod; Kubernetes rejects it',
    );
  const { minReplicas, maxReplicas } = options.autoscaling;
  if (options.autoscaling.enabled && minReplicas > maxReplicas)
    throw errors.badConfig('deploy.autoscaling', `minReplicas ${minReplicas} is more than maxReplicas ${maxReplicas}`);
  return rules.map((rule) => rule(context)).filter((warning): warning is string => warning !== undefined);
}
