import { closest } from './closest.js';
import { errors } from './errors.js';
import { defaults } from './defaults.js';
import { defaultOf, getPath, settingSpecs, type SettingSpec } from './settings.js';
import { parseTrafficPolicy, parseTrafficSection, type TrafficPolicy } from './traffic-config.js';
import { parseMonitoringSection } from './monitoring-config.js';

type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : { -readonly [K in keyof T]: Widen<T[K]> };

/** Server settings after defaults, berth.yaml, environment and flags are applied. */
export type Settings = Widen<typeof defaults>;

/** The per-model part of berth.yaml (`model:`). */
export interface ModelConfig {
  name?: string;
  /** Feature names in column order, for the named-feature dialect. */
  /** The version this file is (set by `berth build` from the registry); default 1. */
  version?: string;
  features?: string[];
  /** Class label names, indexed by class id (or keyed by the model's own label). */
  labels?: string[];
  /** The model takes missing values: JSON null (and NaN) reach it as NaN, as tree models expect. */
  allowMissing?: boolean;
  batching?: Partial<Settings['batching']>;
  traffic?: TrafficPolicy;
}

export interface ConfigSources {
  /** Parsed berth.yaml (or {}). */
  file?: Record<string, unknown>;
  /** Flag values keyed by setting key (`server.port`), as given on the command line. */
  flags?: Record<string, unknown>;
  /** BERTH_* variables. */
  env?: Record<string, string>;
  /** Folder of the berth.yaml: relative paths in it (monitoring.reference…) resolve from here. */
  baseDir?: string;
}

export interface ResolvedConfig {
  settings: Settings;
  model: ModelConfig;
  /** Traffic policies by model name (`traffic:` section). */
  traffic: Record<string, TrafficPolicy>;
  /** The raw file, for sections other areas own (e.g. `monitoring`). */
  file: Record<string, unknown>;
  warnings: string[];
}

/**
 * parse → normalize → rules (the changesets pipeline). Precedence, highest first: flag,
 * environment variable, berth.yaml, defaults. Throws BERTH_BAD_CONFIG naming the setting and
 * where it came from.
 */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const file = sources.file ?? {};
  const warnings: string[] = [];
  const settings = structuredClone(defaults) as unknown as Settings;
  for (const spec of settingSpecs) {
    const layers: Array<[string, unknown]> = [
      [`${spec.key} in berth.yaml`, getPath(file, spec.key)],
      [spec.env, sources.env?.[spec.env]],
      [spec.flag, sources.flags?.[spec.key]],
    ];
    for (const [where, raw] of layers) {
      if (raw === undefined || raw === null) continue;
      setPath(settings, spec.key, coerce(spec, raw, where));
    }
  }
  checkKnownKeys(file);
  settings.monitoring = parseMonitoringSection(file.monitoring, settings.monitoring, sources.baseDir) as Settings['monitoring'];
  applyRules(settings);
  return { settings, model: parseModelConfig(file.model), traffic: parseTrafficSection(file.traffic), file, warnings };
}

/** berth.yaml's sections: the settings table's, and those parsed by their own areas. */
const ownSections = ['model', 'monitoring', 'traffic', 'deploy'];
const settingSections = new Set(settingSpecs.map((spec) => spec.key.split('.')[0]!));
const settingKeys = settingSpecs.map((spec) => spec.key);
const modelKeys = ['name', 'version', 'features', 'labels', 'allowMissing', 'batching', 'traffic'] as const;

/**
 * Every key of berth.yaml is known, or the server does not start: a misspelt key silently left a
 * default in force (`server.prot: 9000` served on 8000). The message names the closest known key.
 * Sections other areas parse (monitoring, traffic, deploy) are checked by their parsers.
 */
function checkKnownKeys(file: Record<string, unknown>): void {
  const everyKey = [...ownSections, ...settingSections, ...settingKeys, ...modelKeys.map((key) => `model.${key}`)];
  for (const [section, value] of Object.entries(file)) {
    if (ownSections.includes(section)) continue;
    if (!settingSections.has(section)) throw errors.unknownConfigKey('berth.yaml', section, closest(section, everyKey));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.badConfig(`${section} in berth.yaml`, 'must be a mapping');
    for (const key of Object.keys(value)) {
      const dotted = `${section}.${key}`;
      if (!settingKeys.includes(dotted)) throw errors.unknownConfigKey('berth.yaml', dotted, closest(dotted, everyKey));
    }
  }
}

function coerce(spec: SettingSpec, raw: unknown, where: string): unknown {
  const text = typeof raw === 'string' ? raw.trim() : raw;
  const fail = (expected: string) => errors.badConfig(where, `expected ${expected}, got ${spec.secret ? '(hidden)' : JSON.stringify(raw)}`);
  switch (spec.type) {
    case 'int': {
      const value = typeof text === 'number' ? text : Number(text);
      if (!Number.isSafeInteger(value) || value < 0) throw fail('a non-negative integer');
      return value;
    }
    case 'number': {
      const value = typeof text === 'number' ? text : Number(text);
      if (!Number.isFinite(value) || value < 0) throw fail('a non-negative number');
      return value;
    }
    case 'boolean': {
      if (typeof text === 'boolean') return text;
      if (['true', '1', 'yes', 'on'].includes(String(text).toLowerCase())) return true;
      if (['false', '0', 'no', 'off'].includes(String(text).toLowerCase())) return false;
      throw fail('true or false');
    }
    case 'workers': {
      if (text === 'auto') return 'auto';
      const value = Number(text);
      if (!Number.isSafeInteger(value) || value < 1) throw fail('a positive integer or "auto"');
      return value;
    }
    case 'enum': {
      if (!spec.choices!.includes(String(text))) throw fail(`one of ${spec.choices!.join(', ')}`);
      return String(text);
    }
    case 'string':
      if (typeof text !== 'string' && typeof text !== 'number') throw fail('a string');
      return String(text);
  }
}

function applyRules(settings: Settings): void {
  const { server, batching } = settings;
  if (server.apiKey && server.apiKeyFile) throw errors.badConfig('server.apiKeyFile', 'give the API key once: server.apiKey (--api-key) or server.apiKeyFile (--api-key-file), not both');
  if (server.modelControl && !server.apiKey && !server.apiKeyFile) {
    throw errors.badConfig('server.modelControl', 'loading and unloading models on request needs an API key, or anyone could change what is served; set --api-key-file (or BERTH_API_KEY) too');
  }
  if (server.port > 65535) throw errors.badConfig('server.port', `${server.port} is not a TCP port`);
  if (server.grpcPort > 65535) throw errors.badConfig('server.grpcPort', `${server.grpcPort} is not a TCP port`);
  if (server.grpcPort !== 0 && server.grpcPort === server.port) throw errors.badConfig('server.grpcPort', 'must differ from server.port');
  if (batching.maxBatchSize < 1) throw errors.badConfig('batching.maxBatchSize', 'must be at least 1');
  const { tracing } = settings;
  if (tracing.sampleRatio > 1) throw errors.badConfig('tracing.sampleRatio', `${tracing.sampleRatio} is not a share between 0 and 1`);
  if (!/^https?:\/\/[^/?#\s]+/.test(tracing.endpoint)) throw errors.badConfig('tracing.endpoint', `${JSON.stringify(tracing.endpoint)} is not an http:// or https:// URL`);
}

/** Validates the `model:` section of berth.yaml. */
export function parseModelConfig(raw: unknown, where = 'model'): ModelConfig {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw errors.badConfig(where, 'must be a mapping');
  for (const key of Object.keys(raw)) {
    if (!(modelKeys as readonly string[]).includes(key)) throw errors.unknownConfigKey('berth.yaml', `${where}.${key}`, closest(`${where}.${key}`, modelKeys.map((known) => `${where}.${known}`)));
  }
  const model = { ...(raw as Record<string, unknown>) } as ModelConfig;
  if (model.allowMissing !== undefined && typeof model.allowMissing !== 'boolean') throw errors.badConfig(`${where}.allowMissing`, 'must be true or false');
  if (model.name !== undefined && (typeof model.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(model.name))) {
    throw errors.badConfig(`${where}.name`, 'must be 1–63 letters, digits, dots, dashes or underscores');
  }
  if (model.version !== undefined) {
    if ((typeof model.version !== 'string' && typeof model.version !== 'number') || !/^\d{1,9}$/.test(String(model.version))) throw errors.badConfig(`${where}.version`, 'must be a version number');
    model.version = String(model.version);
  }
  for (const key of ['features', 'labels'] as const) {
    const list = model[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' && typeof item !== 'number')) {
      throw errors.badConfig(`${where}.${key}`, 'must be a list of names');
    }
    model[key] = list.map(String);
    if (new Set(model[key]).size !== list.length) throw errors.badConfig(`${where}.${key}`, 'has duplicate names');
  }
  if (model.batching !== undefined && (typeof model.batching !== 'object' || model.batching === null)) {
    throw errors.badConfig(`${where}.batching`, 'must be a mapping');
  }
  if (model.traffic !== undefined) model.traffic = parseTrafficPolicy(model.traffic, `${where}.traffic`);
  if (model.batching) {
    for (const [key, value] of Object.entries(model.batching)) {
      const spec = settingSpecs.find((candidate) => candidate.key === `batching.${key}`);
      if (!spec) throw errors.badConfig(`${where}.batching.${key}`, 'is not a batching setting');
      (model.batching as Record<string, unknown>)[key] = coerce(spec, value, `${where}.batching.${key}`);
    }
  }
  return model;
}

function setPath(object: object, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = object as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

export { defaultOf };
