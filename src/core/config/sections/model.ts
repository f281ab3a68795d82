import {
  ConfigProblem,
  boolean,
  custom,
  names,
  overrides,
  section,
  text,
  type JsonSchema,
  type Resolved,
} from '../field.js';
import { batching } from './server.js';

/**
 * Traffic policies for one model (berth.yaml `traffic.<model>` or `model.traffic`):
 *   canary: { version: "3", percent: 10 }   10% of requests answered by version 3
 *   shadow: { version: "4" }                every request also sent to version 4, answer discarded
 */
export interface TrafficPolicy {
  canary?: { version: string; percent: number };
  shadow?: { version: string };
}

const isVersion = (value: unknown) =>
  (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) ||
  (typeof value === 'string' && /^\d+$/.test(value));
const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one policy; problems name the key inside it (`canary.version`). */
export function readTrafficPolicy(raw: unknown): TrafficPolicy {
  if (raw === undefined || raw === null) return {};
  if (!isMapping(raw)) throw new ConfigProblem('must be a mapping with `canary` and/or `shadow`');
  const { canary, shadow, ...rest } = raw;
  const unknown = Object.keys(rest)[0];
  if (unknown) throw new ConfigProblem('is not a traffic policy (canary, shadow)', unknown);
  const policy: TrafficPolicy = {};
  if (canary !== undefined) {
    const { version, percent } = (canary ?? {}) as Record<string, unknown>;
    if (!isVersion(version)) throw new ConfigProblem('must be a version number', 'canary.version');
    if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100))
      throw new ConfigProblem('must be a number from 0 to 100', 'canary.percent');
    policy.canary = { version: String(version), percent };
  }
  if (shadow !== undefined) {
    const { version } = (shadow ?? {}) as Record<string, unknown>;
    if (!isVersion(version)) throw new ConfigProblem('must be a version number', 'shadow.version');
    policy.shadow = { version: String(version) };
  }
  return policy;
}

const policySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    canary: {
      type: 'object',
      additionalProperties: false,
      required: ['version', 'percent'],
      properties: { version: { type: ['string', 'integer'] }, percent: { type: 'number', minimum: 0, maximum: 100 } },
    },
    shadow: {
      type: 'object',
      additionalProperties: false,
      required: ['version'],
      properties: { version: { type: ['string', 'integer'] } },
    },
  },
};

export const model = section('The model a berth.yaml sits beside (a served file or folder, or a registered version).', {
  name: text(undefined, {
    doc: "model name (default: the file's or folder's name)",
    pattern: [/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, '1–63 letters, digits, dots, dashes or underscores'],
  }),
  /** Set by `berth build` from the registry. */
  version: custom<string | undefined>(undefined, {
    doc: "the version this file is (an unregistered file is version 1; `berth build` writes the registry's)",
    type: 'version number',
    jsonSchema: { type: ['string', 'integer'], pattern: '^\\d{1,9}$' },
    read: (raw) => {
      if ((typeof raw !== 'string' && typeof raw !== 'number') || !/^\d{1,9}$/.test(String(raw)))
        throw new ConfigProblem('must be a version number');
      return String(raw);
    },
  }),
  features: names({ doc: 'feature names in column order, for named-feature requests ({"sepal_length": 5.1, …})' }),
  labels: names({ doc: 'class label names, indexed by class id: answers carry the name' }),
  /** JSON null (and NaN) reach the model as NaN, as tree models that learnt missing values expect. */
  allowMissing: boolean(undefined, { doc: 'the model takes missing values (JSON null as NaN)' }),
  batching: overrides('Per-model override of the batching settings.', batching),
  traffic: custom<TrafficPolicy | undefined>(undefined, {
    doc: 'canary and shadow versions of this model (see traffic)',
    type: 'traffic policy',
    jsonSchema: policySchema,
    read: readTrafficPolicy,
  }),
});

/** The `model:` section of berth.yaml, as read. */
export type ModelConfig = Resolved<typeof model.fields>;

export const traffic = custom<Record<string, TrafficPolicy>>(
  {},
  {
    doc: 'canary and shadow versions by model name: `traffic: { iris: { canary: { version: 3, percent: 10 }, shadow: { version: 4 } } }`',
    type: 'model name → traffic policy',
    jsonSchema: { type: 'object', additionalProperties: policySchema },
    read: (raw) => {
      if (!isMapping(raw)) throw new ConfigProblem('must map model names to policies');
      const policies: Record<string, TrafficPolicy> = {};
      for (const [name, policy] of Object.entries(raw)) {
        try {
          policies[name] = readTrafficPolicy(policy);
        } catch (problem) {
          throw problem instanceof ConfigProblem
            ? new ConfigProblem(problem.message, problem.at ? `${name}.${problem.at}` : name)
            : problem;
        }
      }
      return policies;
    },
  },
);
