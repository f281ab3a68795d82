import {
  isField,
  isSection,
  section,
  type Field,
  type Fields,
  type Resolved,
  type Section,
  type Settable,
} from './field.js';
import { dashboard } from './sections/dashboard.js';
import { deploy } from './sections/deploy.js';
import { importing } from './sections/import.js';
import { model, traffic } from './sections/model.js';
import { monitoring } from './sections/monitoring.js';
import { packaging } from './sections/package.js';
import { plan } from './sections/plan.js';
import { batching, grpc, limits, log, logStream, onnx, repository, server } from './sections/server.js';
import { tracing } from './sections/tracing.js';

/**
 * The config schema: every setting Berth has, with its default, its doc, its flag and its
 * environment variable, and every fixed tunable, in berth.yaml's shape. The defaults object
 * (core/defaults.ts), the CLI flags and their help (cli/setting-flags.ts), the checks of
 * berth.yaml, BERTH_* variables and flags (core/config.ts) and the reference page
 * docs/configuration.md (config/reference-page.ts) all come from here.
 */
export const settingsSchema = section("Berth's settings.", {
  server,
  grpc,
  limits,
  batching,
  onnx,
  log,
  logStream,
  tracing,
  repository,
  monitoring,
  deploy,
  plan,
  package: packaging,
  import: importing,
  dashboard,
});

/** berth.yaml: the settings, the model it sits beside, and traffic policies by model. */
export const berthYamlSchema = section('berth.yaml', { ...settingsSchema.fields, model, traffic });

/** Every setting after defaults, berth.yaml, environment and flags are applied. */
export type Settings = Resolved<typeof settingsSchema.fields>;

/** A settable field with where it lives: `monitoring.payloadLog.sinkUrl`, spelt `monitoring.payloadLog.sink.url` in berth.yaml. */
export type SettingEntry = Field<unknown> & {
  /** Dotted path in the resolved config. */
  path: string;
  /** Dotted path in berth.yaml. */
  yamlPath: string;
};

function collect(fields: Fields, path: string[], out: SettingEntry[]): SettingEntry[] {
  for (const [key, node] of Object.entries(fields)) {
    if (isSection(node)) collect(node.fields, [...path, key], out);
    else if (isField(node))
      out.push({ ...node, path: [...path, key].join('.'), yamlPath: [...path, node.yaml ?? key].join('.') });
  }
  return out;
}

/** Every settable field of berth.yaml, in schema order. */
export const settingEntries: readonly SettingEntry[] = collect(berthYamlSchema.fields, [], []);

/** The defaults of a section: fields' defaults (none for optional ones) and fixed values. */
export function defaultsOf<F extends Fields>(node: Section<F>): Resolved<F> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node.fields)) {
    if (isSection(child)) {
      if (!child.optional) out[key] = defaultsOf(child);
    } else if (isField(child)) {
      if (child.default !== undefined) out[key] = structuredClone(child.default);
    } else {
      out[key] = structuredClone(child);
    }
  }
  return out as Resolved<F>;
}

/** The settable part of a resolved section, without its fixed tunables (the deploy options). */
export function settableOf<F extends Fields>(node: Section<F>, value: Resolved<F>): Resolved<Settable<F>> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node.fields)) {
    const own = (value as Record<string, unknown>)[key];
    if (own === undefined) continue;
    if (isSection(child)) out[key] = settableOf(child, own as Resolved<Fields>);
    else if (isField(child)) out[key] = own;
  }
  return out as Resolved<Settable<F>>;
}

/** Reads a dotted path out of a nested object. */
export function getPath(object: unknown, path: string): unknown {
  let node: unknown = object;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
