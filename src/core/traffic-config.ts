import { errors } from './errors.js';

/**
 * Traffic policies for one model (berth.yaml `traffic.<model>` or `model.traffic`):
 *   canary: { version: "3", percent: 10 }   10% of requests answered by version 3
 *   shadow: { version: "4" }                every request also sent to version 4, answer discarded
 */
export interface TrafficPolicy {
  canary?: { version: string; percent: number };
  shadow?: { version: string };
}

export function parseTrafficPolicy(raw: unknown, where: string): TrafficPolicy {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw errors.badConfig(where, 'must be a mapping with `canary` and/or `shadow`');
  const { canary, shadow, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown) throw errors.badConfig(`${where}.${unknown}`, 'is not a traffic policy (canary, shadow)');
  const policy: TrafficPolicy = {};
  if (canary !== undefined) {
    const { version, percent } = (canary ?? {}) as Record<string, unknown>;
    if (!isVersion(version)) throw errors.badConfig(`${where}.canary.version`, 'must be a version number');
    if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100)) throw errors.badConfig(`${where}.canary.percent`, 'must be a number from 0 to 100');
    policy.canary = { version: String(version), percent };
  }
  if (shadow !== undefined) {
    const { version } = (shadow ?? {}) as Record<string, unknown>;
    if (!isVersion(version)) throw errors.badConfig(`${where}.shadow.version`, 'must be a version number');
    policy.shadow = { version: String(version) };
  }
  return policy;
}

/** `traffic:` section of the server's berth.yaml: model name → policy. */
export function parseTrafficSection(raw: unknown): Record<string, TrafficPolicy> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw errors.badConfig('traffic', 'must map model names to policies');
  return Object.fromEntries(Object.entries(raw).map(([model, policy]) => [model, parseTrafficPolicy(policy, `traffic.${model}`)]));
}

const isVersion = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) || (typeof value === 'string' && /^\d+$/.test(value));
