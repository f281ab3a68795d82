import * as kube from '@kubernetes/client-node';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Service } from 'kubernetes-models/v1/Service';

/**
 * Validation against the official schemas:
 * - kubernetes-models (4.5, the last line that runs on Node 20) compiles the Kubernetes OpenAPI
 *   document of its release into ajv validators: types, required fields, enums, formats.
 *   @kubernetes-models/prometheus-operator does the same from the Operator's CRDs.
 * - The OpenAPI document has no additionalProperties: false, so a misspelt field would pass it.
 *   The API server rejects unknown fields (strict field validation, kubectl's default), so
 *   `unknownFields` also walks each object through @kubernetes/client-node's models, generated from
 *   the same OpenAPI document, and lists every key that is not a field of its type.
 */
type Validating = { validate(): void };
const models: Record<string, (data: object) => Validating> = {
  'v1/Service': (data) => new Service(data as never),
  'apps/v1/Deployment': (data) => new Deployment(data as never),
  'autoscaling/v2/HorizontalPodAutoscaler': (data) => new HorizontalPodAutoscaler(data as never),
  'policy/v1/PodDisruptionBudget': (data) => new PodDisruptionBudget(data as never),
  'networking.k8s.io/v1/NetworkPolicy': (data) => new NetworkPolicy(data as never),
  'monitoring.coreos.com/v1/ServiceMonitor': (data) => new ServiceMonitor(data as never),
  'v1/Pod': (data) => new Pod(data as never),
};

const clientTypes: Record<string, string> = {
  'v1/Service': 'V1Service',
  'apps/v1/Deployment': 'V1Deployment',
  'autoscaling/v2/HorizontalPodAutoscaler': 'V2HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'V1PodDisruptionBudget',
  'networking.k8s.io/v1/NetworkPolicy': 'V1NetworkPolicy',
  'v1/Pod': 'V1Pod',
};

export function hasOfficialSchema(object: { apiVersion: string; kind: string }): boolean {
  return `${object.apiVersion}/${object.kind}` in models;
}

/** The schema's complaints (empty = valid). */
export function officialSchemaErrors(object: { apiVersion: string; kind: string }): string[] {
  const make = models[`${object.apiVersion}/${object.kind}`];
  if (!make) throw new Error(`no official schema for ${object.apiVersion} ${object.kind} in this test`);
  try {
    make(structuredClone(object)).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

type AttributeMap = Array<{ name: string; baseName: string; type: string }>;
const registry = kube as unknown as Record<string, { getAttributeTypeMap?: () => AttributeMap } | undefined>;

/** Paths of keys that are not fields of their Kubernetes type (kinds without a client model are skipped). */
export function unknownFields(object: { apiVersion: string; kind: string }): string[] {
  const type = clientTypes[`${object.apiVersion}/${object.kind}`];
  return type ? unknownIn(object, type, '') : [];
}

/** The same walk from a named client-node type, e.g. `V1Container`. */
export function unknownIn(value: unknown, type: string, path: string): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array)
    return Array.isArray(value)
      ? value.flatMap((item, index) => unknownIn(item, array[1]!, `${path}[${index}]`))
      : [`${path} is not a list`];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return Object.entries(value as object).flatMap(([key, item]) => unknownIn(item, map[1]!, `${path}.${key}`));
  const attributes = registry[type]?.getAttributeTypeMap?.();
  if (!attributes) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return [`${path} should be an object (${type})`];
  const out: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const attribute = attributes.find((candidate) => candidate.baseName === key);
    if (!attribute) out.push(`${path}.${key} is not a field of ${type}`);
    else out.push(...unknownIn(item, attribute.type, `${path}.${key}`));
  }
  return out;
}
