/**
 * Where a served version's reference profile comes from:
 *  - the registry: the profile stored with the version (`models register --reference-data`),
 *    validated by parseProfile;
 *  - a file-served model: berth.yaml `monitoring.reference: reference.csv`, profiled at load (or
 *    a profile JSON from `berth profile --out`). The model itself predicts the reference rows, so
 *    prediction drift compares the model's live answers with its answers on the reference data
 *    (not with the labels in the file).
 */
import { readFile } from 'node:fs/promises';
import type { ModelConfig, Settings } from '../../core/config.js';
import type { Datatype } from '../../core/tensor.js';
import { errors } from '../../core/errors.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../../core/inference.js';
import { readCsv } from '../drift/csv.js';
import { buildProfile, type FeatureProfile, type ReferenceProfile } from '../drift/profile.js';
import { parseProfile } from '../drift/profile-validate.js';
import { isMissing } from '../drift/feature-values.js';
import { extractPredictions, planPrediction, type FeaturePlan, type RowLayoutLike, type Task } from './extract.js';

export interface Reference {
  source: string;
  profile: ReferenceProfile;
}

/** What profiling needs of a loaded model: its signature, how it takes rows, and a way to run it. */
export interface ProfilingModel {
  metadata: ModelMetadata;
  config: ModelConfig;
  layout: RowLayoutLike | string;
  /** Rows of values in feature order → one request (protocol/reference-rows.ts). */
  encode(rows: unknown[][]): InferenceRequest;
  infer(request: InferenceRequest): Promise<InferenceResponse>;
  /** Rows per model call. */
  maxRows: number;
}

/**
 * The reference profile of a model from a file: a CSV of reference rows (profiled here, with the
 * model's own predictions on them) or a profile JSON written by `berth profile --out`.
 */
export async function modelReference(
  path: string,
  model: ProfilingModel,
  drift: Settings['monitoring']['drift'],
): Promise<Reference> {
  if (path.toLowerCase().endsWith('.json'))
    return storedReference({ source: path, profile: await readJson(path) }, path);
  const { layout, metadata } = model;
  if (typeof layout === 'string')
    throw errors.badConfig('monitoring.reference', `model \`${metadata.name}\` ${layout}`);
  const datatypes =
    layout.kind === 'tabular'
      ? Array.from({ length: layout.width }, () => metadata.inputs[0]!.datatype)
      : metadata.inputs.map((input) => input.datatype);
  const prediction = planPrediction(metadata, model.config);
  const predict = prediction
    ? async (rows: unknown[][]) => {
        const out: unknown[] = [];
        for (let start = 0; start < rows.length; start += model.maxRows) {
          const response = await model.infer(model.encode(rows.slice(start, start + model.maxRows)));
          out.push(...(extractPredictions(response, prediction) ?? []));
        }
        return out;
      }
    : undefined;
  return csvReference(path, { features: layout.features, datatypes, predict, task: prediction?.task, drift });
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw errors.referenceDataUnreadable(path, (cause as NodeJS.ErrnoException).code ?? String(cause));
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw errors.badProfile(path, `is not JSON: ${(cause as Error).message}`);
  }
}

/** A profile stored in the registry (berth-version.json `reference`). */
export function storedReference(stored: { source: string; profile: unknown }, where: string): Reference {
  return { source: stored.source, profile: parseProfile(stored.profile, where) };
}

export interface CsvReferenceOptions {
  /** The model's feature names in column order; empty when the model names none. */
  features: string[];
  /** Datatype of each feature's input, in the same order (to read the CSV cells as the model takes them). */
  datatypes: Datatype[];
  /** Runs the model on rows of typed values; one prediction per row. Omitted: no prediction profile. */
  predict?: (rows: unknown[][]) => Promise<unknown[]>;
  task?: Task;
  drift: Settings['monitoring']['drift'];
}

/** Profile a reference CSV for a model: its feature columns, and its own predictions on them. */
export async function csvReference(path: string, options: CsvReferenceOptions): Promise<Reference> {
  const table = await readCsv(path);
  const features =
    options.features.length > 0
      ? options.features
      : table.header.length === options.datatypes.length
        ? table.header
        : [];
  if (features.length === 0) {
    throw errors.badConfig(
      'monitoring.reference',
      `${path} has ${table.header.length} columns for a model of ${options.datatypes.length} unnamed features; name them in berth.yaml model.features`,
    );
  }
  const indexes = features.map((name) => {
    const index = table.header.indexOf(name);
    if (index < 0) throw errors.referenceColumnMissing(name, path, table.header);
    return index;
  });
  if (table.rows.length === 0) throw errors.referenceEmpty(path);
  const rows = table.rows.map((row) =>
    indexes.map((index, column) => cell(row[index]!, options.datatypes[column] ?? 'FP64')),
  );
  const predictions = options.predict ? await options.predict(rows) : undefined;
  const { bins, referenceSampleSize, sampleSeed, categoricalMaxDistinct, maxCategories } = options.drift;
  const profile = buildProfile(rows, {
    features,
    source: path,
    bins,
    referenceSampleSize,
    sampleSeed,
    categoricalMaxDistinct,
    maxCategories,
    ...(predictions ? { predictions, predictionKind: options.task === 'regression' ? 'numeric' : 'categorical' } : {}),
  });
  return { source: path, profile };
}

/** A CSV cell as the model's input takes it: text for BYTES, true/false for BOOL, else a number. */
function cell(text: string, datatype: Datatype): unknown {
  if (datatype === 'BYTES') return text;
  if (isMissing(text)) return Number.NaN;
  if (datatype === 'BOOL') return ['true', '1', 'yes'].includes(text.trim().toLowerCase());
  const value = Number(text.trim());
  return Number.isNaN(value) ? text : value;
}

/**
 * The profile as a model with float32 inputs sees the data. A CSV (or the registry's profile of
 * it) holds float64 values, live tensors float32 ones: 3.1 arrives as 3.0999999046…, which falls
 * below a reference cut point of exactly 3.1 — with tied values (iris measures to 0.1 cm) that
 * moved whole buckets and gave PSI 0.6 on an unshifted sample. Rounding the cut points and the KS
 * sample to float32 (monotonic, so bucket order holds) makes both sides compare the same numbers;
 * cut points that become equal merge their buckets.
 */
export function asFloat32Inputs(profile: ReferenceProfile, isFloat32: (feature: string) => boolean): ReferenceProfile {
  const features = profile.features.map((feature): FeatureProfile => {
    if (
      feature.kind !== 'numeric' ||
      !isFloat32(feature.name) ||
      feature.proportions.length !== feature.cuts.length + 1
    )
      return feature;
    const cuts: number[] = [];
    const shares: number[] = [feature.proportions[0]!];
    feature.cuts.forEach((cut, i) => {
      const rounded = Math.fround(cut);
      if (cuts.length > 0 && rounded === cuts[cuts.length - 1])
        shares.push(shares.pop()! + feature.proportions[i + 1]!);
      else {
        cuts.push(rounded);
        shares.push(feature.proportions[i + 1]!);
      }
    });
    return { ...feature, cuts, proportions: shares, sample: feature.sample.map(Math.fround) };
  });
  return { ...profile, features };
}

/** Features whose input tensor is float32 in memory (FP32, and FP16, which travels as float32). */
export function float32Features(plan: FeaturePlan, metadata: ModelMetadata): (feature: string) => boolean {
  const isFloat32 = (datatype: string | undefined) => datatype === 'FP32' || datatype === 'FP16';
  if (plan.kind === 'tabular') {
    const all = isFloat32(metadata.inputs.find((input) => input.name === plan.input)?.datatype);
    return () => all;
  }
  const byFeature = new Map(
    plan.features.map((feature, i) => [
      feature,
      isFloat32(metadata.inputs.find((input) => input.name === plan.inputs[i])?.datatype),
    ]),
  );
  return (feature) => byFeature.get(feature) ?? false;
}
