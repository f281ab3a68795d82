import { decodeV1Request, encodeV1Response } from '../protocol/v1-dialect.js';
import type { HttpContext } from './server.js';
import type { Route } from './route.js';
import { rowsSchema } from './schemas.js';

const nameOf = (request: { params: unknown }) => (request.params as { name: string }).name;

/** KServe v1 (anchors §1.5): model status and :predict. */
export function v1Routes({ dataplane, settings }: HttpContext): Route[] {
  return [
    { method: 'GET', url: '/v1/models', summary: 'KServe v1 model list', tag: 'kserve-v1', handler: async () => ({ models: dataplane.models.names() }) },
    {
      method: 'GET', url: '/v1/models/:name', summary: 'KServe v1 model status', tag: 'kserve-v1', errors: [404],
      handler: async (request) => ({ name: nameOf(request), ready: dataplane.modelReady(nameOf(request)) }),
    },
    {
      // A regex-bounded parameter, then `::` (find-my-way's escaped literal colon): /v1/models/iris:predict.
      method: 'POST', url: '/v1/models/:name(^[^:/]+)::predict', summary: 'KServe v1 predict ({"instances": rows} → {"predictions"})', tag: 'kserve-v1', errors: [400, 404, 413, 415, 429, 503, 504],
      body: (model) => ({ type: 'object', required: ['instances'], properties: { instances: model ? rowsSchema(model.metadata, model.config) : { type: 'array', minItems: 1 } } }),
      handler: async (request) => {
        const { model, entry } = dataplane.pick(nameOf(request), request.id);
        const decoded = decodeV1Request(request.body, entry.metadata, model.config, settings.limits);
        const result = await dataplane.infer(nameOf(request), entry.version, decoded, { shadow: true, stickyKey: request.id });
        return encodeV1Response(result.metadata, result.model.config, result.response);
      },
    },
  ];
}
