import type { FastifyRequest } from 'fastify';
import { decodeV2Request, encodeV2Metadata, encodeV2Response } from '../protocol/v2-codec.js';
import { v2RequestSchema, v2ResponseSchema } from './schemas.js';
import type { HttpContext } from './server.js';
import type { Route } from './route.js';

type ModelParams = { name: string; version?: string };
const params = (request: FastifyRequest) => request.params as ModelParams;

/** Open Inference Protocol v2 REST (anchors §1.1): each route decodes, delegates, encodes. */
export function v2Routes({ dataplane, settings }: HttpContext): Route[] {
  const routes: Route[] = [{ method: 'GET', url: '/v2', summary: 'OIP v2 server metadata', tag: 'oip-v2', handler: async () => dataplane.serverMetadata() }];
  for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    routes.push(
      {
        method: 'GET', url: base, summary: 'OIP v2 model metadata', tag: 'oip-v2', errors: [404, 503],
        handler: async (request) => {
          const { name, version } = params(request);
          const { metadata, versions, traffic } = dataplane.modelMetadata(name, version);
          return encodeV2Metadata(metadata, versions, traffic);
        },
      },
      {
        method: 'GET', url: `${base}/ready`, summary: 'OIP v2 model ready', tag: 'oip-v2', errors: [404, 503],
        handler: async (request, reply) => {
          const { name, version } = params(request);
          const ready = dataplane.modelReady(name, version);
          return reply.code(ready ? 200 : 503).send({ name, ready });
        },
      },
      {
        method: 'POST', url: `${base}/infer`, summary: 'OIP v2 inference', tag: 'oip-v2', errors: [400, 404, 413, 415, 429, 503, 504],
        body: (model) => v2RequestSchema(model?.metadata), response: v2ResponseSchema,
        handler: async (request, reply) => {
          const { name, version } = params(request);
          const decoded = decodeV2Request(request.body, settings.limits);
          const { metadata, response } = await dataplane.infer(name, version, decoded, { stickyKey: request.id });
          return reply.type('application/json').send(encodeV2Response(metadata, decoded, response));
        },
      },
    );
  }
  return routes;
}
