import { errors } from '../core/errors.js';
import { seedRequestSchema } from '../protocol/body-schemas.js';
import { seedCodec } from '../protocol/seed-codec.js';
import type { HttpContext, Route } from './route.js';

/** The seed tutorials' dialect: POST /predict (the only model) and /models/{name}/predict. */
export function seedRoutes({ dataplane }: HttpContext): Route[] {
  const body = (model?: Parameters<NonNullable<Route['body']>>[0]) =>
    model ? seedRequestSchema(model.metadata, model.config) : { type: 'object' };
  const errorCodes = [400, 404, 413, 415, 429, 503, 504];
  return [
    {
      method: 'POST',
      url: '/predict',
      summary: 'Predict with the served model (seed dialect: named features, {"features"}, or {"instances"})',
      tag: 'predict',
      body,
      errors: errorCodes,
      // Not async: the data plane's promise is returned as it is, without one more promise around it.
      handler: (request) => {
        const name = dataplane.defaultModel();
        if (!name) throw errors.noDefaultModel(dataplane.models.names());
        return dataplane.infer(name, undefined, seedCodec, request.body, request.context);
      },
    },
    {
      method: 'POST',
      url: '/models/:name/predict',
      summary: 'Predict with a named model (seed dialect)',
      tag: 'predict',
      body,
      errors: errorCodes,
      handler: (request) =>
        dataplane.infer((request.params as { name: string }).name, undefined, seedCodec, request.body, request.context),
    },
  ];
}
