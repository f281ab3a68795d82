/**
 * Reference profile from a CSV file (`berth profile data.csv`, `berth models register
 * --reference-data`). Parquet is not read here: it needs a dependency (hyparquet is the
 * maintained pure-JS reader); export the reference sample to CSV until one is added.
 */
import { errors } from '../../core/errors.js';
import { readCsv } from './csv.js';
import { buildProfile, type BuildProfileOptions, type FeatureKind, type ReferenceProfile } from './profile.js';

export interface CsvProfileOptions extends Omit<BuildProfileOptions, 'features' | 'predictions' | 'source'> {
  /** Feature columns, in the model's order; default: every column but the prediction column. */
  features?: string[];
  /** Column holding the model's output (or the label) for each row. */
  predictionColumn?: string;
  predictionKind?: FeatureKind;
  delimiter?: string;
}

export async function profileFromCsv(path: string, options: CsvProfileOptions = {}): Promise<ReferenceProfile> {
  const table = await readCsv(path, options.delimiter ? { delimiter: options.delimiter } : {});
  const index = new Map(table.header.map((name, i) => [name, i]));
  const columnIndex = (name: string) => {
    const i = index.get(name);
    if (i === undefined) throw errors.referenceColumnMissing(name, path, table.header);
    return i;
  };
  const predictionIndex = options.predictionColumn === undefined ? undefined : columnIndex(options.predictionColumn);
  const features = options.features ?? table.header.filter((name) => name !== options.predictionColumn);
  const featureIndexes = features.map(columnIndex);
  if (table.rows.length === 0) throw errors.referenceEmpty(path);
  const rows = table.rows.map((row) => featureIndexes.map((i) => row[i]));
  const { delimiter: _delimiter, predictionColumn: _column, ...rest } = options;
  return buildProfile(rows, {
    ...rest,
    features,
    source: path,
    ...(predictionIndex === undefined ? {} : { predictions: table.rows.map((row) => row[predictionIndex]) }),
  });
}
