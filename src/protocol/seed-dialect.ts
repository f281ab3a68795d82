import { errors } from '../core/errors.js';
import type { ModelConfig, Settings } from '../core/config.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../runtime/runtime.js';
import { perModelAndConfig, responseToRows, rowLayout, rowsToRequest, type RowLayout } from './rows-codec.js';

/**
 * The seed tutorials' `/predict` dialect. Three request shapes:
 *   {"sepal_length": 5.1, …}            one row of named features (seed 000, FastAPI)
 *   {"features": [5.1, 3.5, 1.4, 0.2]}   one row in feature order (seed 004, Flask)
 *   {"instances": [[…], {…}, …]}         several rows, each an array or an object
 * One row answers {"prediction", "label"?, "probabilities"?}; several rows answer
 * {"predictions", "labels"?, "probabilities"?} as parallel arrays.
 */
export interface SeedRequest {
  request: InferenceRequest;
  single: boolean;
}

const layoutOrReason = perModelAndConfig(rowLayout);

/** The model's row layout, computed once per loaded version and config (this runs per request). */
export function layoutFor(model: ModelMetadata, config: ModelConfig): RowLayout {
  const layout = layoutOrReason(model, config);
  if (typeof layout === 'string') throw errors.dialectUnsupported(model.name, layout);
  return layout;
}

export function decodeSeedRequest(body: unknown, model: ModelMetadata, config: ModelConfig, limits: Settings['limits']): SeedRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.notAnObject('request body');
  const layout = layoutFor(model, config);
  const object = body as Record<string, unknown>;
  const keys = Object.keys(object);
  const isFeatureName = (key: string) => layout.features.includes(key);
  if ('instances' in object && !isFeatureName('instances')) {
    if (keys.length > 1) throw errors.ambiguousBody(`"instances" cannot be combined with ${keys.filter((key) => key !== 'instances').map((key) => `"${key}"`).join(', ')}`);
    const rows = object.instances;
    if (!Array.isArray(rows) || rows.length === 0) throw errors.badField('`instances`', 'a non-empty array of rows');
    return { single: false, request: rowsToRequest(rows, (index) => `instances[${index}]`, layout, model.name, limits) };
  }
  if ('features' in object && !isFeatureName('features')) {
    if (keys.length > 1) throw errors.ambiguousBody(`"features" cannot be combined with ${keys.filter((key) => key !== 'features').map((key) => `"${key}"`).join(', ')}`);
    return { single: true, request: rowsToRequest([object.features], () => '`features`', layout, model.name, limits) };
  }
  if (keys.length === 0) throw errors.emptyBody();
  return { single: true, request: rowsToRequest([object], () => 'the request body', layout, model.name, limits) };
}

export function encodeSeedResponse(model: ModelMetadata, config: ModelConfig, response: InferenceResponse, single: boolean) {
  const predictions = responseToRows(model, config, response);
  const meta = { model_name: model.name, model_version: model.version };
  if (single) return { ...predictions[0], ...meta };
  const out: Record<string, unknown> = { predictions: predictions.map((row) => row.prediction) };
  if (predictions.some((row) => row.label !== undefined)) out.labels = predictions.map((row) => row.label);
  if (predictions.some((row) => row.probabilities !== undefined)) out.probabilities = predictions.map((row) => row.probabilities);
  return { ...out, ...meta };
}
