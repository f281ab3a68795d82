import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { Settings } from '../core/config.js';
import { commonLabels } from './labels.js';
import type { ModelFacts } from './model-facts.js';
import type { DeployOptions } from './options.js';
import { terminationPlan, type TerminationPlan } from './termination.js';

/** Everything one generator call sees; built once by `manifestContext`. */
export interface ManifestContext {
  options: DeployOptions;
  settings: Settings;
  facts: ModelFacts;
  termination: TerminationPlan;
  labels: Record<string, string>;
}

export function manifestContext(options: DeployOptions, settings: Settings, facts: ModelFacts): ManifestContext {
  return {
    options,
    settings,
    facts,
    termination: terminationPlan(options, settings),
    labels: commonLabels(options.name, facts),
  };
}

/** metadata for a generated object: its name, the namespace when one was chosen, the labels. */
export function objectMeta(
  context: ManifestContext,
  extra: Partial<V1ObjectMeta> = {},
): V1ObjectMeta & { name: string } {
  const { options, labels } = context;
  return {
    name: options.name,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    labels: { ...labels },
    ...extra,
  };
}

/** Prometheus' conventional scrape annotations, for setups without the Operator. */
export function scrapeAnnotations(port: number): Record<string, string> {
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' };
}
