import { errors } from '../core/errors.js';
import type { TensorSpec } from '../core/tensor.js';
import type { RequestBuilder } from '../pipeline/request-builder.js';
import { toTypedData } from './json-values.js';
import type { RowLayout } from './row-layout.js';

/**
 * Rows (arrays in feature order, or objects keyed by feature name) → the model's input tensors,
 * added to `request`. `whereOf` names a row in messages ('' for a body that is one row of named
 * features), only when one is needed: the rows of a refused request cost nothing more.
 */
export function decodeRows(
  rows: unknown[],
  whereOf: (index: number) => string,
  request: RequestBuilder,
  layout: RowLayout,
): void {
  // Refused before a row is read when the width is known.
  if (layout.width > 0) request.reserve(layout.width * rows.length, rows.length);
  const allowMissing = request.rules.allowMissing === true;
  // Each row's values, in row order: a row's index is its place here, so nothing more per row.
  const parsed = new Array<unknown[]>(rows.length);
  for (let index = 0; index < rows.length; index++)
    parsed[index] = rowValues(rows[index], index, whereOf, layout, request.model.name, allowMissing);
  const width = layout.width > 0 ? layout.width : parsed[0]!.length;
  if (layout.width <= 0) request.reserve(width * parsed.length, parsed.length);
  for (let index = 0; index < parsed.length; index++)
    if (parsed[index]!.length !== width)
      throw errors.wrongRowLength(whereOf(index) || 'the request body', width, parsed[index]!.length);

  if (layout.kind === 'tabular') {
    const shape = [parsed.length, width];
    const spec = request.begin(layout.inputs[0]!.name, layout.inputs[0]!.datatype, shape);
    // One row (every /predict of named features) is already in row-major order: no copy.
    let flat: unknown[];
    if (parsed.length === 1) flat = parsed[0]!;
    else {
      flat = new Array<unknown>(parsed.length * width);
      for (let row = 0; row < parsed.length; row++)
        for (let column = 0; column < width; column++) flat[row * width + column] = parsed[row]![column];
    }
    const data = toTypedData(flat, spec.datatype, spec.name, (index) =>
      cell(layout.features[index % width], index % width, whereOf(Math.floor(index / width))),
    );
    request.add({ name: spec.name, datatype: spec.datatype, shape, data }, spec);
    return;
  }
  layout.inputs.forEach((input: TensorSpec, column) => {
    const shape = input.shape.length === 1 ? [parsed.length] : [parsed.length, 1];
    const spec = request.begin(input.name, input.datatype, shape);
    const data = toTypedData(
      parsed.map((values) => values[column]),
      spec.datatype,
      spec.name,
      (index) => cell(input.name, column, whereOf(index)),
    );
    request.add({ name: spec.name, datatype: spec.datatype, shape, data }, spec);
  });
}

/** A row's values in feature order. Named features follow the published schema: null is a number only where the model takes missing values. */
function rowValues(
  row: unknown,
  index: number,
  whereOf: (index: number) => string,
  layout: RowLayout,
  modelName: string,
  allowMissing: boolean,
): unknown[] {
  if (Array.isArray(row)) return row;
  if (row === null || typeof row !== 'object')
    throw errors.badField(whereOf(index) || 'the request body', 'an array of values or an object of named features');
  if (layout.features.length === 0) throw errors.noFeatureNames(modelName);
  const named = row as Record<string, unknown>;
  const { features } = layout;
  const keys = Object.keys(named);
  // As many keys as features, every feature present: then no key is unknown. O(F), where
  // checking each key against the list is O(F²) (2,500 comparisons a row at 50 features).
  if (keys.length === features.length) {
    const values = new Array<unknown>(features.length);
    let column = 0;
    for (; column < features.length && Object.hasOwn(named, features[column]!); column++) {
      const value = named[features[column]!];
      if (value === null && !allowMissing && isFloat(layout, column))
        throw errors.badCell(cell(features[column], column, whereOf(index)), 'a number', 'null');
      values[column] = value;
    }
    if (column === features.length) return values;
  }
  // Something is wrong: name an unknown key first (a typo), else the missing feature.
  for (const key of keys) if (!features.includes(key)) throw errors.unknownFeature(key, features);
  const missing = features.find((feature) => !Object.hasOwn(named, feature))!;
  throw errors.missingFeature(missing);
}

const isFloat = (layout: RowLayout, column: number) =>
  (layout.kind === 'tabular' ? layout.inputs[0]! : layout.inputs[column]!).datatype.startsWith('FP');

/** A value's place in messages: its feature (or column) and its row. */
function cell(feature: string | undefined, column: number, where: string): string {
  const name = feature ? `feature \`${feature}\`` : `value ${column}`;
  return where ? `${name} in ${where}` : name;
}
