import { rowsSchema } from '../protocol/body-schemas.js';
import { v1Codec } from '../protocol/v1-codec.js';
import type { HttpContext, Route } from './route.js';

const nameOf = (request: { params: unknown }) => (request.params as { name: string }).name;

/** KServe v1: model status and :predict. */
export function v1Routes({ dataplane }: HttpContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/v1/models',
      summary: 'KServe v1 model list',
      tag: 'kserve-v1',
      handler: async () => ({ models: dataplane.models.names() }),
    },
    {
      method: 'GET',
      url: '/v1/models/:name',
      summary: 'KServe v1 model status',
      tag: 'kserve-v1',
      errors: [404],
      handler: async (request) => ({ name: nameOf(request), ready: dataplane.modelReady(nameOf(request)) }),
    },
    {
      // A regex-bounded parameter, then `::` (find-my-way's escaped literal colon): /v1/models/iris:predict.
      method: 'POST',
      url: '/v1/models/:name(^[^:/]+)::predict',
      summary: 'KServe v1 predict ({"instances": rows} → {"predictions"})',
      tag: 'kserve-v1',
      errors: [400, 404, 413, 415, 429, 503, 504],
      body: (model) => ({
        type: 'object',
        required: ['instances'],
        properties: { instances: model ? rowsSchema(model.metadata, model.config) : { type: 'array', minItems: 1 } },
      }),
      handler: async (request) => dataplane.infer(nameOf(request), undefined, v1Codec, request.body, request.context),
    },
  ];
}
