import { errors } from '../core/errors.js';
import type { ModelConfig, Settings } from '../core/config.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../runtime/runtime.js';
import { responseToRows, rowsToRequest } from './rows-codec.js';
import { layoutFor } from './seed-dialect.js';

/**
 * KServe v1 (TF-Serving style, anchors §1.5): POST /v1/models/{name}:predict with
 * {"instances": [row, …]} → {"predictions": [value, …]}; classifiers predict their class, as
 * KServe's sklearn server does.
 */
export function decodeV1Request(body: unknown, model: ModelMetadata, config: ModelConfig, limits: Settings['limits']): InferenceRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.notAnObject('request body');
  const rows = (body as Record<string, unknown>).instances ?? (body as Record<string, unknown>).inputs;
  if (!Array.isArray(rows) || rows.length === 0) throw errors.badField('`instances`', 'a non-empty array of rows');
  return rowsToRequest(rows, (index) => `instances[${index}]`, layoutFor(model, config), model.name, limits);
}

export function encodeV1Response(model: ModelMetadata, config: ModelConfig, response: InferenceResponse) {
  return { predictions: responseToRows(model, config, response).map((row) => row.prediction) };
}
