import { closest } from '../core/closest.js';
import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import { getPath } from '../core/settings.js';
import { resourceName } from './labels.js';
import { defaultImage, type ModelFacts } from './model-facts.js';
import { deployOptionSpecs, flagAttribute, type DeployOptionSpec } from './option-specs.js';
import { parseQuantity } from './quantity.js';
import { recommendedMemoryMiB } from './resources.js';

/** Everything the generators need to know beyond the model and the server settings. */
export interface DeployOptions {
  name: string;
  namespace?: string;
  image: string;
  imagePullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  format: 'plain' | 'kserve';
  replicas: number;
  autoscaling: { enabled: boolean; minReplicas: number; maxReplicas: number; targetCPUUtilization: number; scaleDownStabilizationSeconds: number };
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
  networkPolicy: boolean;
  serviceMonitor: boolean;
  /** Grafana dashboard + PrometheusRule (src/deploy/monitoring). */
  monitoring: boolean;
  /** OTLP/HTTP base URL of the collector the pods send traces to (monitoring/tracing-env.ts). */
  otlpCollector?: string;
  preStop: 'sleep' | 'server';
  preStopSeconds: number;
  serviceType: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  kserve: { deploymentMode: 'RawDeployment' | 'Serverless' };
}

export interface DeploySources {
  /** berth.yaml's `deploy:` section (or undefined). */
  file?: unknown;
  /** commander's options object (`--limits-memory` → `limitsMemory`); undefined = not given. */
  flags?: Record<string, unknown>;
}

/** Which keys the user set explicitly (the rules warn differently about chosen and derived values). */
export type GivenKeys = ReadonlySet<string>;

/**
 * parse → normalize (defaults, derived memory) → the rules in deploy-rules.ts. Throws
 * BERTH_BAD_CONFIG naming the option and where it came from.
 */
export function parseDeployOptions(sources: DeploySources, facts: ModelFacts): { options: DeployOptions; given: GivenKeys } {
  const file = sources.file ?? {};
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw errors.badConfig('deploy in berth.yaml', 'must be a mapping');
  checkDeployKeys(file as Record<string, unknown>);
  const values = new Map<string, unknown>();
  for (const spec of deployOptionSpecs) {
    const fromFile = getPath(file, spec.key);
    if (fromFile !== undefined && fromFile !== null) values.set(spec.key, coerce(spec, fromFile, `deploy.${spec.key} in berth.yaml`));
    const fromFlag = spec.flag ? sources.flags?.[flagAttribute(spec.flag)] : undefined;
    if (fromFlag !== undefined) values.set(spec.key, coerce(spec, fromFlag, spec.flag!));
  }
  const d = defaults.deploy;
  const pick = <T>(key: string, fallback: T): T => (values.has(key) ? (values.get(key) as T) : fallback);
  const memory = `${recommendedMemoryMiB(facts).limitMiB}Mi`;
  const limitsMemory = pick('resources.limits.memory', pick('resources.requests.memory', memory));
  const options: DeployOptions = {
    name: pick('name', resourceName(facts.name)),
    namespace: pick<string | undefined>('namespace', undefined),
    image: pick('image', defaultImage(facts)),
    imagePullPolicy: pick('imagePullPolicy', 'IfNotPresent'),
    format: pick('format', 'plain'),
    replicas: pick('replicas', d.replicas),
    autoscaling: {
      enabled: pick('autoscaling.enabled', true),
      minReplicas: pick('autoscaling.minReplicas', d.minReplicas),
      maxReplicas: pick('autoscaling.maxReplicas', Math.max(d.maxReplicas, pick('autoscaling.minReplicas', d.minReplicas))),
      targetCPUUtilization: pick('autoscaling.targetCPUUtilization', d.targetCpuUtilization),
      scaleDownStabilizationSeconds: pick('autoscaling.scaleDownStabilizationSeconds', d.scaleDownStabilizationSeconds),
    },
    resources: {
      // Memory request = limit by default: memory is not compressible, and a pod scheduled for less
      // than it uses is the first one the kernel kills when the node runs short.
      requests: { cpu: pick('resources.requests.cpu', d.cpuRequest), memory: pick('resources.requests.memory', limitsMemory) },
      limits: { cpu: pick('resources.limits.cpu', d.cpuLimit), memory: limitsMemory },
    },
    networkPolicy: pick('networkPolicy', false),
    serviceMonitor: pick('serviceMonitor', false),
    monitoring: pick('monitoring', false),
    otlpCollector: pick<string | undefined>('otlpCollector', undefined),
    preStop: pick('preStop', 'sleep'),
    preStopSeconds: pick('preStopSeconds', d.preStopSeconds),
    serviceType: pick('serviceType', 'ClusterIP'),
    kserve: { deploymentMode: pick('kserve.deploymentMode', 'RawDeployment') },
  };
  if (options.otlpCollector !== undefined && !/^https?:\/\/[^/?#\s]+/.test(options.otlpCollector)) throw errors.badConfig('deploy.otlpCollector', `${JSON.stringify(options.otlpCollector)} is not an http:// or https:// URL`);
  if (options.name !== resourceName(options.name)) throw errors.badConfig('deploy.name', `${JSON.stringify(options.name)} is not a DNS label; try ${JSON.stringify(resourceName(options.name))}`);
  return { options, given: new Set(values.keys()) };
}

/** Every key under `deploy:` is an option (or a mapping on the way to one), else the closest is named. */
function checkDeployKeys(file: Record<string, unknown>, prefix = ''): void {
  const keys = deployOptionSpecs.map((spec) => spec.key);
  for (const [key, value] of Object.entries(file)) {
    const dotted = `${prefix}${key}`;
    if (keys.includes(dotted)) continue;
    const isBranch = keys.some((known) => known.startsWith(`${dotted}.`));
    if (!isBranch) throw errors.unknownConfigKey('berth.yaml', `deploy.${dotted}`, closest(dotted, keys)?.replace(/^/, 'deploy.'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) checkDeployKeys(value as Record<string, unknown>, `${dotted}.`);
  }
}

function coerce(spec: DeployOptionSpec, raw: unknown, where: string): unknown {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const fail = (expected: string) => errors.badConfig(where, `expected ${expected}, got ${JSON.stringify(raw)}`);
  switch (spec.type) {
    case 'int':
    case 'positive-int':
    case 'percent': {
      const value = typeof text === 'number' ? text : Number(text);
      const least = spec.type === 'int' ? 0 : 1;
      if (!Number.isSafeInteger(value) || value < least) throw fail(spec.type === 'int' ? 'a non-negative integer' : 'a positive integer');
      if (spec.type === 'percent' && value > 100) throw fail('a percentage from 1 to 100');
      return value;
    }
    case 'boolean':
      if (typeof text === 'boolean') return text;
      if (['true', 'yes', 'on', '1'].includes(String(text).toLowerCase())) return true;
      if (['false', 'no', 'off', '0'].includes(String(text).toLowerCase())) return false;
      throw fail('true or false');
    case 'quantity':
      if ((typeof text !== 'string' && typeof text !== 'number') || parseQuantity(text) === undefined) throw fail('a Kubernetes quantity such as 500m, 1, 256Mi or 1Gi');
      return String(text);
    case 'enum':
      if (!spec.choices!.includes(String(text))) throw fail(`one of ${spec.choices!.join(', ')}`);
      return String(text);
    case 'string':
      if (typeof text !== 'string' || text === '') throw fail('a non-empty string');
      return text;
  }
}
