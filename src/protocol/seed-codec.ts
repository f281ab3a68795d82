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
    const keys = Object.keys(object);
    const isFeatureName = (key: string) => layout.features.includes(key);
    let single = true;
    if ('instances' in object && !isFeatureName('instances')) {
      if (keys.length > 1)
        throw errors.ambiguousBody(
          `"instances" cannot be combined with ${keys
            .filter((key) => key !== 'instances')
            .map((key) => `"${key}"`)
            .join(', ')}`,
        );
      const rows = object.instances;
      if (!Array.isArray(rows) || rows.length === 0) throw errors.badField('`instances`', 'a non-empty array of rows');
      decodeRows(rows, (index) => `instances[${index}]`, request, layout);
      single = false;
    } else if ('features' in object && !isFeatureName('features')) {
      if (keys.length > 1)
        throw errors.ambiguousBody(
          `"features" cannot be combined with ${keys
            .filter((key) => key !== 'features')
            .map((key) => `"${key}"`)
            .join(', ')}`,
        );
      decodeRows([object.features], () => '`features`', request, layout);
    } else {
      if (keys.length === 0) throw errors.emptyBody();
      decodeRows([object], () => '', request, layout);
    }
    return (response) => encodeSeedResponse(model.metadata, model.config, response, single);
  },
};

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
