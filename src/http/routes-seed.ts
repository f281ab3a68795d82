import { errors } from '../core/errors.js';
import { decodeSeedRequest, encodeSeedResponse } from '../protocol/seed-dialect.js';
import { validateNamedFeatures } from './request-validator.js';
import { seedRequestSchema } from './schemas.js';
import { defaultModelName, type HttpContext } from './server.js';
import type { Route } from './route.js';

/** The seed tutorials' dialect: POST /predict (the only model) and /models/{name}/predict. */
export function seedRoutes({ dataplane, settings }: HttpContext): Route[] {
  const predict = async (name: string, body: unknown, requestId: string) => {
    const { model, entry } = dataplane.pick(name, requestId);
    const isNamedRow = body !== null && typeof body === 'object' && !Array.isArray(body) && !('features' in body) && !('instances' in body);
    if (isNamedRow) validateNamedFeatures(body as Record<string, unknown>, entry.metadata, model.config);
    const { request, single } = decodeSeedRequest(body, entry.metadata, model.config, settings.limits);
    const result = await dataplane.infer(name, entry.version, request, { shadow: true, stickyKey: requestId });
    return encodeSeedResponse(result.metadata, result.model.config, result.response, single);
  };
  const body = (model?: Parameters<NonNullable<Route['body']>>[0]) => (model ? seedRequestSchema(model.metadata, model.config) : { type: 'object' });
  const errorCodes = [400, 404, 413, 415, 429, 503, 504];
  return [
    {
      method: 'POST', url: '/predict', summary: 'Predict with the served model (seed dialect: named features, {"features"}, or {"instances"})', tag: 'predict', body, errors: errorCodes,
      handler: async (request) => {
        const name = defaultModelName(dataplane);
        if (!name) throw errors.noDefaultModel(dataplane.models.names());
        return predict(name, request.body, request.id);
      },
    },
    {
      method: 'POST', url: '/models/:name/predict', summary: 'Predict with a named model (seed dialect)', tag: 'predict', body, errors: errorCodes,
      handler: async (request) => predict((request.params as { name: string }).name, request.body, request.id),
    },
  ];
}
