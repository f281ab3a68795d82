import { berthVersion } from '../core/version.js';
import type { ModelFacts } from './model-facts.js';

/**
 * Names and labels of everything Berth generates. Labels follow the recommended
 * `app.kubernetes.io/*` set (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/)
 * plus Berth's own `berth.dev/model` and `berth.dev/model-version`, which `berth status` reads back.
 */
export const labelKeys = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  model: 'berth.dev/model',
  modelVersion: 'berth.dev/model-version',
} as const;

export const annotationKeys = {
  modelSha256: 'berth.dev/model-sha256',
  berthVersion: 'berth.dev/version',
  /**
   * On the ReplicaSet of a revision whose rollout `berth deploy` saw fail, with the reason: `berth
   * rollback` passes over it, so after an automatic rollback it does not return to the broken one.
   */
  failedRollout: 'berth.dev/failed-rollout',
  /** Shown by `kubectl rollout history` (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#checking-rollout-history-of-a-deployment). */
  changeCause: 'kubernetes.io/change-cause',
} as const;

/**
 * A DNS-1035 label (what a Service name must be: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#rfc-1035-label-names):
 * lower case letters, digits and '-', starting with a letter, at most 63 characters.
 * `Iris_Classifier.v2` → `iris-classifier-v2`.
 */
export function resourceName(name: string): string {
  let out = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '');
  if (!/^[a-z]/.test(out)) out = `m-${out}`;
  return out.slice(0, 63).replace(/-+$/, '') || 'model';
}

/** A label value: at most 63 of [A-Za-z0-9_.-], starting and ending with a letter or digit. */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
}

/**
 * The selector: only labels that never change for the life of the Deployment, because
 * `spec.selector` is immutable in apps/v1 (a version label here would make every upgrade fail).
 */
export function selectorLabels(name: string): Record<string, string> {
  return { [labelKeys.name]: name, [labelKeys.instance]: name };
}

/** Labels on every object and on the pods. */
export function commonLabels(name: string, facts: ModelFacts): Record<string, string> {
  return {
    ...selectorLabels(name),
    [labelKeys.version]: labelValue(facts.version),
    [labelKeys.component]: 'inference-server',
    [labelKeys.partOf]: 'berth',
    [labelKeys.managedBy]: 'berth',
    [labelKeys.model]: labelValue(facts.name),
    [labelKeys.modelVersion]: labelValue(facts.version),
  };
}

export function modelAnnotations(facts: ModelFacts): Record<string, string> {
  return { [annotationKeys.modelSha256]: facts.sha256, [annotationKeys.berthVersion]: berthVersion };
}
