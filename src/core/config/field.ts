import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../duration.js';
import { parseQuantity } from '../quantity.js';

/**
 * The building blocks of the config schema (./schema.ts). A setting is a `Field`: its type (how a
 * value from berth.yaml, a BERTH_* variable or a flag is read and checked), its default, its doc,
 * and the flag and variable that set it. A `Section` groups fields as berth.yaml nests them. A
 * plain value in a section is a fixed tunable: it has a default and no way to be set.
 *
 * Fields never throw catalogue errors themselves (this module sits below core/errors.ts): `read`
 * throws a `ConfigProblem`, and the resolver adds where the value came from.
 */
export class ConfigProblem extends Error {
  /** Where inside the value, for values that are mappings themselves (`canary.version`). */
  readonly at?: string;

  constructor(detail: string, at?: string) {
    super(detail);
    this.at = at;
  }
}

/** How a value is being read. */
export interface Reading {
  /** From a flag or an environment variable: text, to be converted. */
  text: boolean;
  /** Folder of the berth.yaml the value came from: relative paths in it resolve from here. */
  baseDir?: string;
}

export type JsonSchema = Record<string, unknown>;

/** How people set a field, besides berth.yaml. */
export interface FieldOptions {
  doc: string;
  /** `--port`; the BERTH_* variable is named after it where the section allows variables. */
  flag?: string;
  /** `-c` */
  short?: string;
  /** Older flags that mean the same (`--target` for `--target-cpu`). */
  aliases?: readonly string[];
  /** The flag takes no value: `--network-policy`; 'negatable' adds `--no-…` (`--hpa`, `--no-hpa`). */
  switch?: boolean | 'negatable';
  /** Name of the flag's value in help (`<image>`); default from the type. */
  placeholder?: string;
  /** Never printed, logged or written into manifests in plain text. */
  secret?: boolean;
  /** Its spelling under its section in berth.yaml when that is not the key (`sink.url` for `sinkUrl`). */
  yaml?: string;
  /** What the default is when it depends on the model (shown instead of a value). */
  defaultText?: string;
  /** A standard variable that sets it (OTEL_SERVICE_NAME), instead of the BERTH_* one named after the flag. */
  env?: string;
}

export interface Field<T> extends FieldOptions {
  readonly kind: 'field';
  readonly default: T;
  /** Environment variable, set for the sections that take variables. */
  readonly env?: string;
  /** The type in words, for help and the reference page: `integer ≥ 1`, `one of plain, kserve`. */
  readonly type: string;
  readonly jsonSchema: JsonSchema;
  read(raw: unknown, reading: Reading): T;
}

export interface Section<F extends Fields = Fields, Optional extends boolean = boolean> {
  readonly kind: 'section';
  readonly doc: string;
  readonly fields: F;
  /** Absent from the resolved config unless one of its keys is set (`model.batching`). */
  readonly optional: Optional;
}

// A plain value (number, string, object of plain values) is a fixed tunable.
export type Fields = { readonly [key: string]: Field<any> | Section<any> | unknown };

export function isField(node: unknown): node is Field<unknown> {
  return typeof node === 'object' && node !== null && (node as { kind?: unknown }).kind === 'field';
}

export function isSection(node: unknown): node is Section {
  return typeof node === 'object' && node !== null && (node as { kind?: unknown }).kind === 'section';
}

/**
 * A section of berth.yaml. `environment: true` gives every field with a flag a BERTH_* variable
 * named after the flag (--max-body-bytes → BERTH_MAX_BODY_BYTES).
 */
export function section<F extends Fields>(
  doc: string,
  fields: F,
  options: { environment?: boolean } = {},
): Section<F, false> {
  if (!options.environment) return { kind: 'section', doc, fields, optional: false };
  const withEnv = Object.fromEntries(
    Object.entries(fields).map(([key, node]) => [
      key,
      isField(node) && node.flag
        ? { ...node, env: node.env ?? `BERTH_${node.flag.slice(2).replace(/-/g, '_').toUpperCase()}` }
        : node,
    ]),
  );
  return { kind: 'section', doc, fields: withEnv as F, optional: false };
}

type Overrides<F> = {
  [K in keyof F as F[K] extends Field<unknown> ? K : never]: F[K] extends Field<infer T> ? Field<T | undefined> : never;
};

/**
 * The settable fields of `base` again, with no defaults and no flags: a per-model override of a
 * server-wide section (`model.batching` over `batching`).
 */
export function overrides<F extends Fields>(doc: string, base: Section<F>): Section<Overrides<F>, true> {
  const fields = Object.fromEntries(
    Object.entries(base.fields)
      .filter(([, node]) => isField(node))
      .map(([key, node]) => {
        const { flag: _flag, env: _env, short: _short, aliases: _aliases, ...rest } = node as Field<unknown>;
        return [key, { ...rest, default: undefined, jsonSchema: { ...rest.jsonSchema, default: undefined } }];
      }),
  );
  return { kind: 'section', doc, fields: fields as unknown as Overrides<F>, optional: true };
}

// ── types ─────────────────────────────────────────────────────────────────

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ValueOf<N> =
  N extends Field<infer T>
    ? T
    : N extends Section<infer F, infer O>
      ? O extends true
        ? Resolved<F> | undefined
        : Resolved<F>
      : N;
type OptionalKeys<F> = { [K in keyof F]: undefined extends ValueOf<F[K]> ? K : never }[keyof F];

/** The value a section resolves to: settings with no default (`model.name`) are optional keys. */
export type Resolved<F> = Simplify<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: ValueOf<F[K]> } & {
    [K in OptionalKeys<F>]?: Exclude<ValueOf<F[K]>, undefined>;
  }
>;

/** Only what can be set (fields and sections of fields), without the fixed tunables. */
export type Settable<F> = {
  [K in keyof F as F[K] extends Field<unknown> | Section ? K : never]: F[K] extends Section<infer G, infer O>
    ? Section<Settable<G>, O>
    : F[K];
};

// ── field kinds ───────────────────────────────────────────────────────────

/** A field with no default is optional: absent unless set (`model.name`). */
type Value<D, T> = undefined extends D ? T | undefined : T;

function field<T>(
  defaultValue: T,
  options: FieldOptions,
  type: string,
  jsonSchema: JsonSchema,
  read: (raw: unknown, reading: Reading) => T,
): Field<T> {
  const schema: JsonSchema = { ...jsonSchema, description: options.doc };
  if (defaultValue !== undefined && !options.secret) schema.default = defaultValue;
  return { ...options, kind: 'field', default: defaultValue, type, jsonSchema: schema, read };
}

const shown = (raw: unknown) => (typeof raw === 'string' ? JSON.stringify(raw) : (JSON.stringify(raw) ?? String(raw)));
const problem = (expected: string, raw: unknown) => new ConfigProblem(`expected ${expected}, got ${shown(raw)}`);

function toNumber(raw: unknown, reading: Reading): number | undefined {
  if (typeof raw === 'number') return raw;
  // berth.yaml may quote a number too; only variables and flags must be text.
  if (typeof raw === 'string' && raw.trim() !== '') return Number(raw.trim());
  if (reading.text) return Number.NaN;
  return undefined;
}

interface Bounds {
  min?: number;
  max?: number;
  /** Exclusive bounds. */
  above?: number;
  below?: number;
}

/** `must be between 0 and 1`, `must be positive`… */
function checkBounds(value: number, bounds: Bounds): void {
  const { min, max, above, below } = bounds;
  if (above !== undefined && below !== undefined) {
    if (!(value > above && value < below)) throw new ConfigProblem(`must be between ${above} and ${below} (exclusive)`);
  } else if (min !== undefined && max !== undefined) {
    if (value < min || value > max) throw new ConfigProblem(`must be between ${min} and ${max}`);
  } else {
    if (above !== undefined && !(value > above))
      throw new ConfigProblem(above === 0 ? 'must be positive' : `must be above ${above}`);
    if (below !== undefined && !(value < below)) throw new ConfigProblem(`must be below ${below}`);
    if (min !== undefined && value < min) throw new ConfigProblem(`must be at least ${min}`);
    if (max !== undefined && value > max) throw new ConfigProblem(`must be at most ${max}`);
  }
}

function boundsText({ min, max, above, below }: Bounds): string {
  const parts = [
    min !== undefined && min !== 0 ? `≥ ${min}` : '',
    above !== undefined ? `> ${above}` : '',
    max !== undefined ? `≤ ${max}` : '',
    below !== undefined ? `< ${below}` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

function boundsSchema({ min, max, above, below }: Bounds): JsonSchema {
  return { minimum: min, maximum: max, exclusiveMinimum: above, exclusiveMaximum: below };
}

/** A whole number, at least `min` (0 unless given). */
export function integer<D extends number | undefined>(
  defaultValue: D,
  options: FieldOptions & Bounds,
): Field<Value<D, number>> {
  const bounds = { ...options, min: options.min ?? 0 };
  const expected = bounds.min === 0 ? 'a non-negative integer' : `a whole number ≥ ${bounds.min}`;
  const type = ['integer', boundsText(bounds)].filter(Boolean).join(' ');
  return field(
    defaultValue as Value<D, number>,
    options,
    type,
    { type: 'integer', ...boundsSchema(bounds) },
    (raw, reading) => {
      const value = toNumber(raw, reading);
      if (value === undefined || !Number.isSafeInteger(value) || (bounds.min === 0 && value < 0))
        throw problem(expected, raw);
      checkBounds(value, bounds);
      return value;
    },
  );
}

/** A finite number, at least 0 unless bounds say otherwise. */
export function number<D extends number | undefined>(
  defaultValue: D,
  options: FieldOptions & Bounds,
): Field<Value<D, number>> {
  const bounds = options.above === undefined && options.min === undefined ? { ...options, min: 0 } : options;
  const type = ['number', boundsText(bounds)].filter(Boolean).join(' ');
  return field(
    defaultValue as Value<D, number>,
    options,
    type,
    { type: 'number', ...boundsSchema(bounds) },
    (raw, reading) => {
      const value = toNumber(raw, reading);
      if (value === undefined || !Number.isFinite(value) || (bounds.min === 0 && value < 0))
        throw problem('a non-negative number', raw);
      checkBounds(value, bounds);
      return value;
    },
  );
}

const truthy = ['true', '1', 'yes', 'on'];
const falsy = ['false', '0', 'no', 'off'];

export function boolean<D extends boolean | undefined>(
  defaultValue: D,
  options: FieldOptions,
): Field<Value<D, boolean>> {
  return field(defaultValue as Value<D, boolean>, options, 'true or false', { type: 'boolean' }, (raw) => {
    if (typeof raw === 'boolean') return raw;
    const text = String(raw).trim().toLowerCase();
    if (truthy.includes(text)) return true;
    if (falsy.includes(text)) return false;
    throw problem('true or false', raw);
  });
}

export function text<D extends string | undefined>(
  defaultValue: D,
  options: FieldOptions & { nonEmpty?: boolean; pattern?: [RegExp, string] },
): Field<Value<D, string>> {
  const expected = options.pattern?.[1] ?? (options.nonEmpty ? 'a non-empty string' : 'a string');
  return field(
    defaultValue as Value<D, string>,
    options,
    options.pattern?.[1] ?? 'string',
    { type: 'string', ...(options.pattern ? { pattern: options.pattern[0].source } : {}) },
    (raw) => {
      if (typeof raw !== 'string' && typeof raw !== 'number')
        throw new ConfigProblem(`expected ${expected}, got ${options.secret ? '(hidden)' : shown(raw)}`);
      const value = String(raw).trim();
      if ((options.nonEmpty && value === '') || (options.pattern && !options.pattern[0].test(value)))
        throw new ConfigProblem(`expected ${expected}, got ${options.secret ? '(hidden)' : shown(raw)}`);
      return value;
    },
  );
}

export function choice<const C extends readonly string[], D extends C[number] | undefined>(
  defaultValue: D,
  choices: C,
  options: FieldOptions,
): Field<Value<D, C[number]>> {
  return field(
    defaultValue as Value<D, C[number]>,
    { placeholder: choices.join('|'), ...options },
    `one of ${choices.join(', ')}`,
    { type: 'string', enum: choices },
    (raw) => {
      const value = String(raw).trim();
      if (!choices.includes(value)) throw problem(`one of ${choices.join(', ')}`, raw);
      return value as C[number];
    },
  );
}

/** A Kubernetes quantity: `500m`, `1`, `256Mi`, `1Gi`. */
export function quantity<D extends string | undefined>(
  defaultValue: D,
  options: FieldOptions,
): Field<Value<D, string>> {
  return field(
    defaultValue as Value<D, string>,
    { placeholder: 'quantity', ...options },
    'Kubernetes quantity',
    { type: ['string', 'number'] },
    (raw) => {
      if ((typeof raw !== 'string' && typeof raw !== 'number') || parseQuantity(raw) === undefined)
        throw problem('a Kubernetes quantity such as 500m, 1, 256Mi or 1Gi', raw);
      return String(raw).trim();
    },
  );
}

/**
 * A duration in `unit`: a number, or text such as `50ms`, `30s`, `5m`, `1h30m` (a bare number is
 * read in `unit`, so `--slo-p99 50` is 50 ms).
 */
export function duration<D extends number | undefined>(
  defaultValue: D,
  unit: 's' | 'ms',
  options: FieldOptions & Bounds,
): Field<Value<D, number>> {
  const bounds = options.above === undefined && options.min === undefined ? { ...options, min: 0 } : options;
  const type =
    unit === 's' ? 'duration (30s, 5m, 1h; a number is seconds)' : 'duration (50ms, 1s; a number is milliseconds)';
  const shown = defaultValue === undefined ? {} : { defaultText: `${defaultValue}${unit}` };
  return field(
    defaultValue as Value<D, number>,
    { placeholder: 'duration', ...shown, ...options },
    type,
    { type: ['number', 'string'] },
    (raw) => {
      const ms =
        typeof raw === 'number'
          ? raw * (unit === 's' ? 1000 : 1)
          : typeof raw === 'string'
            ? parseDuration(raw, unit)
            : undefined;
      if (ms === undefined || !Number.isFinite(ms)) throw problem('a duration such as 50ms, 30s, 5m, 1h or 1h30m', raw);
      const value = unit === 's' ? ms / 1000 : ms;
      checkBounds(value, bounds);
      return value;
    },
  );
}

/** A file or folder; relative paths in berth.yaml resolve from its folder, others from the working directory. */
export function path<D extends string | undefined>(defaultValue: D, options: FieldOptions): Field<Value<D, string>> {
  const base = text(defaultValue, options);
  return {
    ...base,
    type: 'path',
    read: (raw, reading) => {
      const value = base.read(raw, reading) as string;
      return (
        value === '' || reading.baseDir === undefined || isAbsolute(value) ? value : resolve(reading.baseDir, value)
      ) as Value<D, string>;
    },
  };
}

/** An http:// or https:// URL, or '' for none. */
export function url(defaultValue: string, options: FieldOptions): Field<string> {
  return field(
    defaultValue,
    { placeholder: 'url', ...options },
    'http(s) URL',
    { type: 'string', pattern: '^(https?://.*)?$' },
    (raw) => {
      const value = typeof raw === 'string' ? raw.trim() : undefined;
      if (value === undefined || (value !== '' && !/^https?:\/\//.test(value)))
        throw new ConfigProblem(`must be an http:// or https:// URL, got ${shown(raw)}`);
      return value;
    },
  );
}

/** A list of distinct names (feature names, class labels); numbers are taken as names. */
export function names(options: FieldOptions): Field<string[] | undefined> {
  return field(
    undefined as string[] | undefined,
    options,
    'list of names',
    { type: 'array', items: { type: ['string', 'number'] }, uniqueItems: true },
    (raw) => {
      if (!Array.isArray(raw) || raw.some((item) => typeof item !== 'string' && typeof item !== 'number'))
        throw new ConfigProblem('must be a list of names');
      const list = raw.map(String);
      if (new Set(list).size !== list.length) throw new ConfigProblem('has duplicate names');
      return list;
    },
  );
}

/** A kind of its own (a traffic policy): reads and checks its value itself. */
export function custom<T>(
  defaultValue: T,
  options: FieldOptions & { type: string; jsonSchema: JsonSchema; read: (raw: unknown, reading: Reading) => T },
): Field<T> {
  const { type, jsonSchema, read, ...rest } = options;
  return field(defaultValue, rest, type, jsonSchema, read);
}
