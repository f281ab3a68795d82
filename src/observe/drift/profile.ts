/**
 * The reference profile: what "normal" inputs and predictions look like, computed once from the
 * training (or a representative) sample and stored as JSON with the model version. The detector
 * compares live windows against it and never needs the original data again.
 */
import { defaults } from '../../core/defaults.js';
import { errors } from '../../core/errors.js';
import { bucketCounts, proportions, quantileCuts } from './psi.js';
import { momentsSorted, quantileSorted, sortedFinite } from './quantile.js';
import { deterministicSample } from './sample.js';
import { isMissing, isNumeric, toCategory, toNumber } from './feature-values.js';

export const profileFormat = 'berth.drift-profile/v1';
/** Name of the bucket that counts categories beyond `maxCategories`. */
export const otherCategory = '__other__';
/** Quantiles stored for display and sanity checks (the dashboard draws them). */
export const profileQuantileLevels = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1];

export interface NumericProfile {
  kind: 'numeric';
  name: string;
  /** Non-missing values. */
  count: number;
  missing: number;
  missingRate: number;
  /** null when there are no values (JSON has no NaN). */
  mean: number | null;
  /** Population standard deviation (ddof = 0). */
  std: number | null;
  min: number | null;
  max: number | null;
  quantiles: { levels: number[]; values: number[] };
  /** PSI bucket boundaries (see psi.ts) and the reference share of values in each bucket. */
  cuts: number[];
  proportions: number[];
  /** A deterministic random subsample, in random order, for the KS test. */
  sample: number[];
}

export interface CategoricalProfile {
  kind: 'categorical';
  name: string;
  count: number;
  missing: number;
  missingRate: number;
  /** Keys are canonical numbers ("1", "0.5") when the column holds numbers (see values.ts). */
  valueType: 'number' | 'string';
  /** Most frequent first; at most maxCategories entries. */
  categories: Array<{ value: string; count: number }>;
  /** Values of the categories left out of `categories`, counted together. */
  otherCount: number;
  distinct: number;
}

export type FeatureProfile = NumericProfile | CategoricalProfile;
export type FeatureKind = FeatureProfile['kind'];

export interface ProfileSettings {
  bins: number;
  referenceSampleSize: number;
  sampleSeed: number;
  categoricalMaxDistinct: number;
  maxCategories: number;
}

export interface ReferenceProfile {
  format: typeof profileFormat;
  rows: number;
  settings: ProfileSettings;
  features: FeatureProfile[];
  /** Distribution of the model's outputs on the reference rows, when they were given. */
  prediction: FeatureProfile | null;
}

export interface BuildProfileOptions extends Partial<ProfileSettings> {
  /** Feature names; array rows are read in this order, object rows by these keys. */
  features: string[];
  /** Features to treat as categorical whatever their values look like. */
  categorical?: string[];
  /** Features to treat as numeric (non-numeric values then count as missing). */
  numeric?: string[];
  /** One model output per row: class labels/indices or regression values. */
  predictions?: ReadonlyArray<unknown>;
  predictionKind?: FeatureKind;
  /** For error messages. */
  source?: string;
}

export type ProfileRow = Readonly<Record<string, unknown>> | ReadonlyArray<unknown>;

/** Build the profile of reference rows (objects keyed by feature name, or arrays in feature order). */
export function buildProfile(rows: ReadonlyArray<ProfileRow>, options: BuildProfileOptions): ReferenceProfile {
  const source = options.source ?? 'rows';
  if (rows.length === 0) throw errors.referenceEmpty(source);
  if (options.predictions && options.predictions.length !== rows.length)
    throw errors.predictionCountMismatch(rows.length, options.predictions.length);
  const settings = resolveSettings(options);
  const categorical = new Set(options.categorical ?? []);
  const numeric = new Set(options.numeric ?? []);
  const features = options.features.map((name, index) => {
    const column = rows.map((row) => (Array.isArray(row) ? row[index] : (row as Record<string, unknown>)[name]));
    const forced = categorical.has(name) ? 'categorical' : numeric.has(name) ? 'numeric' : undefined;
    return profileColumn(name, column, forced, settings);
  });
  const prediction = options.predictions
    ? profileColumn('prediction', options.predictions, options.predictionKind, settings)
    : null;
  return { format: profileFormat, rows: rows.length, settings, features, prediction };
}

/** Profile of one column; `kind` decided from the values unless forced. */
export function profileColumn(
  name: string,
  values: ReadonlyArray<unknown>,
  kind: FeatureKind | undefined,
  settings: ProfileSettings,
): FeatureProfile {
  const decided = kind ?? inferKind(values, settings.categoricalMaxDistinct);
  return decided === 'numeric' ? numericProfile(name, values, settings) : categoricalProfile(name, values, settings);
}

/**
 * Categorical when any value is a non-numeric string, or when the values are few distinct
 * integers (flags, codes, class indices) — a chi-square over a handful of levels says more than
 * quantile buckets that all collapse onto the same few values.
 */
export function inferKind(values: ReadonlyArray<unknown>, maxDistinct: number): FeatureKind {
  const distinct = new Set<number>();
  let integral = true;
  for (const value of values) {
    if (isMissing(value)) continue;
    if (!isNumeric(value)) return 'categorical';
    const number = toNumber(value);
    if (!Number.isInteger(number)) integral = false;
    if (distinct.size <= maxDistinct) distinct.add(number);
  }
  return integral && distinct.size > 0 && distinct.size <= maxDistinct ? 'categorical' : 'numeric';
}

function numericProfile(name: string, values: ReadonlyArray<unknown>, settings: ProfileSettings): NumericProfile {
  const numbers = Float64Array.from(values, toNumber);
  const sorted = sortedFinite(numbers);
  const moments = momentsSorted(sorted);
  const cuts = quantileCuts(sorted, settings.bins);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    kind: 'numeric',
    name,
    count: sorted.length,
    missing: values.length - sorted.length,
    missingRate: (values.length - sorted.length) / values.length,
    mean: finite(moments.mean),
    std: finite(moments.std),
    min: finite(moments.min),
    max: finite(moments.max),
    quantiles: {
      levels: profileQuantileLevels,
      values: sorted.length > 0 ? profileQuantileLevels.map((q) => quantileSorted(sorted, q)) : [],
    },
    cuts,
    proportions: sorted.length > 0 ? proportions(bucketCounts(cuts, sorted)) : [],
    // Sample from the data in its original order so the seed, not the sort, decides the picks.
    sample: deterministicSample(
      numbers.filter((x) => !Number.isNaN(x)),
      settings.referenceSampleSize,
      settings.sampleSeed,
    ),
  };
}

function categoricalProfile(
  name: string,
  values: ReadonlyArray<unknown>,
  settings: ProfileSettings,
): CategoricalProfile {
  const numericKeys = values.every((value) => isMissing(value) || isNumeric(value));
  const counts = new Map<string, number>();
  let missing = 0;
  for (const value of values) {
    const key = toCategory(value, numericKeys);
    if (key === null) missing++;
    else counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  // Most frequent first, ties by value, so the JSON is the same on every run.
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, settings.maxCategories);
  const otherCount = ranked.slice(settings.maxCategories).reduce((sum, [, count]) => sum + count, 0);
  return {
    kind: 'categorical',
    name,
    count: values.length - missing,
    missing,
    missingRate: missing / values.length,
    valueType: numericKeys ? 'number' : 'string',
    categories: kept.map(([value, count]) => ({ value, count })),
    otherCount,
    distinct: counts.size,
  };
}

function resolveSettings(options: Partial<ProfileSettings>): ProfileSettings {
  const drift = defaults.monitoring.drift;
  const settings: ProfileSettings = {
    bins: options.bins ?? drift.bins,
    referenceSampleSize: options.referenceSampleSize ?? drift.referenceSampleSize,
    sampleSeed: options.sampleSeed ?? drift.sampleSeed,
    categoricalMaxDistinct: options.categoricalMaxDistinct ?? drift.categoricalMaxDistinct,
    maxCategories: options.maxCategories ?? drift.maxCategories,
  };
  for (const [key, value] of Object.entries(settings)) {
    const min = key === 'bins' ? 2 : key === 'sampleSeed' || key === 'categoricalMaxDistinct' ? 0 : 1;
    if (!Number.isInteger(value) || value < min)
      throw errors.badMonitoringSetting(`monitoring.drift.${key}`, `must be an integer ≥ ${min}, got ${value}`);
  }
  return settings;
}
