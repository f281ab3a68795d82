import type { ModelConfig } from '../core/config.js';
import { errors } from '../core/errors.js';
import type { InferenceResponse, ModelMetadata } from '../core/inference.js';
import type { Codec, CodecModel } from '../serving/codec.js';
import { layoutFor } from './row-layout.js';
import { responseToRows } from './rows-answer.js';
import { decodeRows } from './rows-decode.js';

/**
 * The seed tutorials' `/predict` dialect. Three request shapes:
 *   {"sepal_length": 5.1, …}            one row of named features (the FastAPI tutorial)
 *   {"features": [5.1, 3.5, 1.4, 0.2]}   one row in feature order (the Flask tutorial)
 *   {"instances": [[…], {…}, …]}         several rows, each an array or an object
 * One row answers {"prediction", "label"?, "probabilities"?}; several rows answer
 * {"predictions", "labels"?, "probabilities"?} as parallel arrays.
 */
export const seedCodec: Codec<unknown, Record<string, unknown>> = {
  decode(body, request, model) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.notAnObject('request body');
    const layout = layoutFor(model.metadata, model.config);
    const object = body as Record<string, unknown>;
    // The keys are listed only for the two wrapped shapes and for messages: a body of named
    // features (every /predict of the FastAPI tutorial) has its keys read once, by decodeRows.
    let single = true;
    if ('instances' in object && !layout.features.includes('instances')) {
      if (hasOtherKey(object, 'instances')) throw ambiguous(object, 'instances');
      const rows = object.instances;
      if (!Array.isArray(rows) || rows.length === 0) throw errors.badField('`instances`', 'a non-empty array of rows');
      decodeRows(rows, (index) => `instances[${index}]`, request, layout);
      single = false;
    } else if ('features' in object && !layout.features.includes('features')) {
      if (hasOtherKey(object, 'features')) throw ambiguous(object, 'features');
      decodeRows([object.features], whereFeatures, request, layout);
    } else {
      if (isEmpty(object)) throw errors.emptyBody();
      decodeRows([object], whereBody, request, layout);
    }
    return (response) => encodeSeedResponse(model.metadata, model.config, response, single);
  },
};

// Where a one-row body's values are, for messages: made once, not per request.
const whereFeatures = () => '`features`';
const whereBody = () => '';

/** A wrapped body (`instances` or `features`) with other keys beside its wrapper. */
function ambiguous(object: Record<string, unknown>, wrapper: string) {
  const others = Object.keys(object).filter((key) => key !== wrapper);
  return errors.ambiguousBody(`"${wrapper}" cannot be combined with ${others.map((key) => `"${key}"`).join(', ')}`);
}

/** Whether a parsed JSON object has no keys, without listing them (JSON.parse makes only own, enumerable keys). */
function isEmpty(object: Record<string, unknown>): boolean {
  return !hasOtherKey(object, undefined);
}

/** Whether a parsed JSON object has a key other than `key`, without listing them. */
function hasOtherKey(object: Record<string, unknown>, key: string | undefined): boolean {
  for (const other in object) if (other !== key) return true;
  return false;
}

/**
 * Rows of an `instances` array, answered as `answer` says: the feedback route takes the version's
 * raw answer, `berth import` the rows as /predict shows them.
 */
export function instancesCodec<Reply>(
  answer: (response: InferenceResponse, model: CodecModel) => Reply,
): Codec<unknown[], Reply> {
  return {
    decode(rows, request, model) {
      decodeRows(rows, (index) => `instances[${index}]`, request, layoutFor(model.metadata, model.config));
      return (response) => answer(response, model);
    },
  };
}

export function encodeSeedResponse(
  model: ModelMetadata,
  config: ModelConfig,
  response: InferenceResponse,
  single: boolean,
) {
  const predictions = responseToRows(model, config, response);
  if (single) {
    // Built field by field rather than spread: this is every one-row answer.
    const { prediction, label, probabilities } = predictions[0]!;
    const row: Record<string, unknown> = { prediction };
    if (label !== undefined) row.label = label;
    if (probabilities !== undefined) row.probabilities = probabilities;
    row.model_name = model.name;
    row.model_version = model.version;
    return row;
  }
  const meta = { model_name: model.name, model_version: model.version };
  const out: Record<string, unknown> = { predictions: predictions.map((row) => row.prediction) };
  if (predictions.some((row) => row.label !== undefined)) out.labels = predictions.map((row) => row.label);
  if (predictions.some((row) => row.probabilities !== undefined))
    out.probabilities = predictions.map((row) => row.probabilities);
  return { ...out, ...meta };
}
