import { errors } from '../core/errors.js';
import type { Codec } from '../serving/codec.js';
import { layoutFor } from './row-layout.js';
import { responseToRows } from './rows-answer.js';
import { decodeRows } from './rows-decode.js';

/**
 * KServe v1 (TF-Serving style): POST /v1/models/{name}:predict with {"instances": [row, …]}
 * → {"predictions": [value, …]}; classifiers predict their class, as KServe's sklearn server does.
 */
export const v1Codec: Codec<unknown, { predictions: unknown[] }> = {
  decode(body, request, model) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.notAnObject('request body');
    const rows = (body as Record<string, unknown>).instances ?? (body as Record<string, unknown>).inputs;
    if (!Array.isArray(rows) || rows.length === 0) throw errors.badField('`instances`', 'a non-empty array of rows');
    decodeRows(rows, (index) => `instances[${index}]`, request, layoutFor(model.metadata, model.config));
    return (response) => ({
      predictions: responseToRows(model.metadata, model.config, response).map((row) => row.prediction),
    });
  },
};
