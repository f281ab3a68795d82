import { readFileSync } from 'node:fs';
import { officialSchemaErrors, unknownIn } from './official-schema.js';

/**
 * Structural validation of a KServe InferenceService against the field names and types of the
 * official `kserve` Python SDK's v1beta1 models (fixtures/kserve/v1beta1-models.json, extracted
 * by fixtures/kserve/extract_models.py). No npm or PyPI package ships the CRD's openAPIV3Schema,
 * so this checks: every key is a field of its KServe type, scalar types, required fields, and the
 * embedded Kubernetes types (the predictor's pod fields, metadata) against the official
 * Kubernetes schema and field list.
 */
interface KserveModel {
  fields: Record<string, string>;
  required: string[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/kserve/v1beta1-models.json', import.meta.url), 'utf8'),
) as { source: string; models: Record<string, KserveModel> };
export const kserveSource = fixture.source;

export function kserveErrors(object: Record<string, unknown>): string[] {
  return check(object, 'V1beta1InferenceService', '');
}

function check(value: unknown, type: string, path: string): string[] {
  if (value === undefined || value === null) return [];
  const list = /^list\[(.+)\]$/.exec(type);
  if (list)
    return Array.isArray(value)
      ? value.flatMap((item, index) => check(item, list[1]!, `${path}[${index}]`))
      : [`${path} must be a list`];
  const dict = /^dict\(str, (.+)\)$/.exec(type);
  if (dict) {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${path} must be a mapping`];
    return Object.entries(value).flatMap(([key, item]) => check(item, dict[1]!, `${path}.${key}`));
  }
  switch (type) {
    case 'str':
      return typeof value === 'string' ? [] : [`${path} must be a string`];
    case 'int':
      return Number.isInteger(value) ? [] : [`${path} must be an integer`];
    case 'bool':
      return typeof value === 'boolean' ? [] : [`${path} must be a boolean`];
    case 'float':
      return typeof value === 'number' ? [] : [`${path} must be a number`];
    case 'ResourceQuantity':
      return typeof value === 'string' || typeof value === 'number' ? [] : [`${path} must be a quantity`];
    case 'object':
      return [];
  }
  const model = fixture.models[type];
  if (model) {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${path} must be an object (${type})`];
    const out = model.required
      .filter((key) => (value as Record<string, unknown>)[key] === undefined)
      .map((key) => `${path}.${key} is required by ${type}`);
    for (const [key, item] of Object.entries(value)) {
      const fieldType = model.fields[key];
      if (!fieldType) out.push(`${path}.${key} is not a field of ${type}`);
      else out.push(...check(item, fieldType, `${path}.${key}`));
    }
    return out;
  }
  // A Kubernetes type (V1Container, V1ObjectMeta…): the official schema via a Pod, and its field list.
  const pod = type === 'V1ObjectMeta' ? { metadata: value, spec: { containers: [] } } : podWith(type, value);
  const schema = pod
    ? officialSchemaErrors({ apiVersion: 'v1', kind: 'Pod', ...pod }).map((error) => `${path}: ${error}`)
    : [];
  return [...schema, ...unknownIn(value, type, path)];
}

/** Wraps one pod-level value in a Pod so the official Pod schema checks it. */
function podWith(type: string, value: unknown): Record<string, unknown> | undefined {
  const container = { name: 'x' };
  switch (type) {
    case 'V1Container':
      return { metadata: { name: 'x' }, spec: { containers: [value] } };
    case 'V1PodSecurityContext':
      return { metadata: { name: 'x' }, spec: { containers: [container], securityContext: value } };
    case 'V1Volume':
      return { metadata: { name: 'x' }, spec: { containers: [container], volumes: [value] } };
    case 'V1TopologySpreadConstraint':
      return { metadata: { name: 'x' }, spec: { containers: [container], topologySpreadConstraints: [value] } };
    default:
      return undefined;
  }
}
