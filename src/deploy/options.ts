import type { ResolvedConfig } from '../core/config.js';
import { settableOf } from '../core/config/schema.js';
import { deploy as deploySchema } from '../core/config/sections/deploy.js';
import { errors } from '../core/errors.js';
import { defaultImage } from '../core/image-name.js';
import { resourceName } from './labels.js';
import type { ModelFacts } from './model-facts.js';
import { recommendedMemoryMiB } from './resources.js';

type DeploySettings = ReturnType<typeof settableOf<typeof deploySchema.fields>>;

/**
 * berth.yaml's `deploy:` section and its flags (core/config/sections/deploy.ts) with the defaults
 * that depend on the model filled in: everything the generators need beyond the model and the
 * server settings.
 */
export type DeployOptions = Omit<DeploySettings, 'name' | 'image' | 'resources'> & {
  name: string;
  image: string;
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
};

/** The settings the user chose (paths such as `deploy.replicas`): rules warn differently about chosen and derived values. */
export type GivenKeys = ReadonlySet<string>;

/** normalize: the name, image and memory that follow from the model; maxReplicas follows a larger minReplicas. */
export function deployOptions(config: Pick<ResolvedConfig, 'settings' | 'given'>, facts: ModelFacts): DeployOptions {
  const chosen = settableOf(deploySchema, config.settings.deploy);
  const { requests, limits } = chosen.resources;
  // Memory request = limit by default: memory is not compressible, and a pod scheduled for less
  // than it uses is the first one the kernel kills when the node runs short.
  const limitsMemory = limits.memory ?? requests.memory ?? `${recommendedMemoryMiB(facts).limitMiB}Mi`;
  const { autoscaling } = chosen;
  const options: DeployOptions = {
    ...chosen,
    name: chosen.name ?? resourceName(facts.name),
    image: chosen.image ?? defaultImage(facts),
    autoscaling: {
      ...autoscaling,
      maxReplicas: config.given.has('deploy.autoscaling.maxReplicas')
        ? autoscaling.maxReplicas
        : Math.max(autoscaling.maxReplicas, autoscaling.minReplicas),
    },
    resources: {
      requests: { cpu: requests.cpu, memory: requests.memory ?? limitsMemory },
      limits: { cpu: limits.cpu, memory: limitsMemory },
    },
  };
  if (options.name !== resourceName(options.name))
    throw errors.badConfig(
      'deploy.name',
      `${JSON.stringify(options.name)} is not a DNS label; try ${JSON.stringify(resourceName(options.name))}`,
    );
  return options;
}
