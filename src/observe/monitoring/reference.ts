/**
 * Where a served version's reference profile comes from:
 *  - the registry: the profile stored with the version (`models register --reference-data`),
 *    validated by parseProfile;
 *  - a file-served model: berth.yaml `monitoring.reference: reference.csv`, profiled at load. The
 *    model itself predicts the reference rows, so prediction drift compares the model's live
 *    answers with its answers on the reference data (not with the labels in the file).
 */
import type { Settings } from '../../core/config.js';
import type { Datatype } from '../../core/tensor.js';
import { errors } from '../../core/errors.js';
import { readCsv } from '../drift/csv.js';
import { buildProfile, type ReferenceProfile } from '../drift/profile.js';
import { parseProfile } from '../drift/profile-validate.js';
import { isMissing } from '../drift/values.js';
import type { Task } from './extract.js';

export interface Reference {
  source: string;
  profile: ReferenceProfile;
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
  const features = options.features.length > 0 ? options.features : table.header.length === options.datatypes.length ? table.header : [];
  if (features.length === 0) {
    throw errors.badConfig('monitoring.reference', `${path} has ${table.header.length} columns for a model of ${options.datatypes.length} unnamed features; name them in berth.yaml model.features`);
  }
  const indexes = features.map((name) => {
    const index = table.header.indexOf(name);
    if (index < 0) throw errors.referenceColumnMissing(name, path, table.header);
    return index;
  });
  if (table.rows.length === 0) throw errors.referenceEmpty(path);
  const rows = table.rows.map((row) => indexes.map((index, column) => cell(row[index]!, options.datatypes[column] ?? 'FP64')));
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
