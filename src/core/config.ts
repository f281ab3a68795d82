import { closest } from './closest.js';
import { ConfigProblem, type Reading } from './config/field.js';
import { configRules } from './config/rules.js';
import {
  berthYamlSchema,
  defaultsOf,
  getPath,
  settingEntries,
  type SettingEntry,
  type Settings,
} from './config/schema.js';
import type { ModelConfig, TrafficPolicy } from './config/sections/model.js';
import { errors } from './errors.js';

export type { ModelConfig, Settings, TrafficPolicy };

export interface ConfigSources {
  /** Parsed berth.yaml (or {}). */
  file?: Record<string, unknown>;
  /** Flag values keyed by setting path (`server.port`), as given on the command line. */
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
  /** The raw file. */
  file: Record<string, unknown>;
  /** The settings set by berth.yaml, a variable or a flag (paths), for rules that treat chosen and default values apart. */
  given: ReadonlySet<string>;
  warnings: string[];
}

/**
 * parse → normalize → rules (the changesets pipeline), over the one schema
 * (core/config/schema.ts). Precedence, highest first: flag, environment variable, berth.yaml,
 * defaults. Throws BERTH_UNKNOWN_CONFIG_KEY for a key the schema does not have (naming the
 * closest one), BERTH_BAD_CONFIG naming the setting and where its value came from.
 */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const file = normalize(sources.file ?? {});
  checkKnownKeys(file, yamlTree, []);
  const values = defaultsOf(berthYamlSchema) as Record<string, unknown>;
  const given = new Set<string>();
  for (const entry of settingEntries) {
    const layers: Array<[raw: unknown, where: string, reading: Reading]> = [
      [
        getPath(file, entry.yamlPath),
        entry.flag || entry.env ? `${entry.yamlPath} in berth.yaml` : entry.yamlPath,
        { text: false, baseDir: sources.baseDir },
      ],
      [entry.env ? sources.env?.[entry.env] : undefined, entry.env ?? '', { text: true }],
      [sources.flags?.[entry.path], entry.flag ?? entry.path, { text: true }],
    ];
    for (const [raw, where, reading] of layers) {
      if (raw === undefined || raw === null) continue;
      setPath(values, entry.path, read(entry, raw, where, reading));
      given.add(entry.path);
    }
  }
  const { model, traffic, ...settings } = values as Settings & {
    model: ModelConfig;
    traffic: Record<string, TrafficPolicy>;
  };
  for (const rule of configRules) rule(settings);
  return { settings, model, traffic, file, given, warnings: [] };
}

/** Checks and reads the `model:` section of a berth.yaml on its own (the registry's view of a model folder). */
export function parseModelConfig(raw: unknown, where = 'model'): ModelConfig {
  if (raw === undefined || raw === null) return {};
  const tree = yamlTree.get('model') as YamlTree;
  checkKnownKeys({ model: raw }, new Map([['model', tree]]), []);
  const model: Record<string, unknown> = {};
  for (const entry of settingEntries.filter((candidate) => candidate.path.startsWith('model.'))) {
    const value = getPath({ model: raw }, entry.yamlPath);
    if (value !== undefined && value !== null)
      setPath(
        model,
        entry.path.slice('model.'.length),
        read(entry, value, `${where}${entry.yamlPath.slice('model'.length)}`, { text: false }),
      );
  }
  return model as ModelConfig;
}

function read(entry: SettingEntry, raw: unknown, where: string, reading: Reading): unknown {
  try {
    return entry.read(raw, reading);
  } catch (problem) {
    if (!(problem instanceof ConfigProblem)) throw problem;
    const at = problem.at ? where.replace(/^(\S+)/, `$1.${problem.at}`) : where;
    throw errors.badConfig(at, problem.message);
  }
}

/**
 * normalize: a `payloadLog:` mapping turns payload logging on unless it says `enabled: false`
 * (writing the mapping is asking for it).
 */
function normalize(file: Record<string, unknown>): Record<string, unknown> {
  const payloadLog = getPath(file, 'monitoring.payloadLog');
  if (!isMapping(payloadLog) || payloadLog.enabled !== undefined) return file;
  const monitoring = file.monitoring as Record<string, unknown>;
  return { ...file, monitoring: { ...monitoring, payloadLog: { ...payloadLog, enabled: true } } };
}

// ── strict keys ───────────────────────────────────────────────────────────

/** berth.yaml's shape: a key maps to a nested mapping or to the setting found there. */
type YamlTree = Map<string, YamlTree | SettingEntry>;

function buildYamlTree(): YamlTree {
  const root: YamlTree = new Map();
  for (const entry of settingEntries) {
    const parts = entry.yamlPath.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (!node.has(part)) node.set(part, new Map());
      node = node.get(part) as YamlTree;
    }
    node.set(parts.at(-1)!, entry);
  }
  return root;
}

const yamlTree = buildYamlTree();
const knownPaths = [
  ...new Set(
    settingEntries.flatMap((entry) =>
      entry.yamlPath.split('.').map((_, index, parts) => parts.slice(0, index + 1).join('.')),
    ),
  ),
];

/**
 * Every key of berth.yaml is known, or nothing starts: a misspelt key silently left a default in
 * force (`server.prot: 9000` served on 8000). The message names the closest known key.
 */
function checkKnownKeys(mapping: Record<string, unknown>, tree: YamlTree, path: string[]): void {
  for (const [key, value] of Object.entries(mapping)) {
    const dotted = [...path, key].join('.');
    const node = tree.get(key);
    if (node === undefined) throw errors.unknownConfigKey('berth.yaml', dotted, suggestion(dotted));
    if (!(node instanceof Map) || value === undefined || value === null) continue;
    if (!isMapping(value)) throw errors.badConfig(dotted, 'must be a mapping');
    checkKnownKeys(value, node, [...path, key]);
  }
}

/** The closest known path; else the one setting whose last key is the same (`port` → server.port). */
function suggestion(wrong: string): string | undefined {
  const near = closest(wrong, knownPaths);
  if (near) return near;
  const last = wrong.split('.').at(-1)!.toLowerCase();
  const sameKey = knownPaths.filter((known) => known.split('.').at(-1)!.toLowerCase() === last);
  return sameKey.length === 1 ? sameKey[0] : undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function setPath(object: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = object;
  for (const part of parts.slice(0, -1)) {
    if (!isMapping(node[part])) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}
