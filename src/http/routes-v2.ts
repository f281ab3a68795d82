import type { FastifyRequest } from 'fastify';
import { headerLengthHeader } from '../protocol/binary-body.js';
import { encodeModelConfig } from '../protocol/triton-config.js';
import { encodeModelStatistics } from '../protocol/triton-stats.js';
import { v2RequestSchema, v2ResponseSchema } from '../protocol/body-schemas.js';
import { encodeV2Metadata, v2Codec } from '../protocol/v2-codec.js';
import type { HttpContext, Route } from './route.js';

type ModelParams = { name: string; version?: string };
const params = (request: FastifyRequest) => request.params as ModelParams;

/** Open Inference Protocol v2 REST: each route hands its request to the data plane and sends what it answers. */
export function v2Routes({ dataplane, settings }: HttpContext): Route[] {
  const routes: Route[] = [
    {
      method: 'GET',
      url: '/v2',
      summary: 'OIP v2 server metadata',
      tag: 'oip-v2',
      handler: async () => dataplane.serverMetadata(),
    },
    {
      method: 'GET',
      url: '/v2/models/stats',
      summary: 'Statistics of every model version (Triton statistics extension)',
      tag: 'oip-v2',
      handler: async () => encodeModelStatistics(dataplane.models),
    },
  ];
  for (const base of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    routes.push(
      {
        method: 'GET',
        url: `${base}/config`,
        summary:
          "Model configuration in Triton's ModelConfig shape, derived from the signature (model configuration extension)",
        tag: 'oip-v2',
        errors: [404, 503],
        handler: async (request) => {
          const { name, version } = params(request);
          const { model, entry } = dataplane.models.ready(name, version);
          return encodeModelConfig(
            entry.metadata,
            dataplane.modelMetadata(name, version).versions,
            model.config,
            settings,
          );
        },
      },
      {
        method: 'GET',
        url: `${base}/stats`,
        summary: "Statistics of a model's versions, or of one version (Triton statistics extension)",
        tag: 'oip-v2',
        errors: [404],
        handler: async (request) => {
          const { name, version } = params(request);
          return encodeModelStatistics(dataplane.models, name, version);
        },
      },
      {
        method: 'GET',
        url: base,
        summary: 'OIP v2 model metadata',
        tag: 'oip-v2',
        errors: [404, 503],
        handler: async (request) => {
          const { name, version } = params(request);
          const { metadata, versions, traffic } = dataplane.modelMetadata(name, version);
          return encodeV2Metadata(metadata, versions, traffic);
        },
      },
      {
        method: 'GET',
        url: `${base}/ready`,
        summary: 'OIP v2 model ready',
        tag: 'oip-v2',
        errors: [404, 503],
        handler: async (request, reply) => {
          const { name, version } = params(request);
          const ready = dataplane.modelReady(name, version);
          return reply.code(ready ? 200 : 503).send({ name, ready });
        },
      },
      {
        method: 'POST',
        url: `${base}/infer`,
        summary: 'OIP v2 inference',
        tag: 'oip-v2',
        errors: [400, 404, 413, 415, 429, 503, 504],
        body: (model) => v2RequestSchema(model?.metadata),
        response: v2ResponseSchema,
        handler: async (request, reply) => {
          const { name, version } = params(request);
          const { json, binary } = await dataplane.infer(
            name,
            version,
            v2Codec,
            { json: request.body, binary: request.tensorBytes },
            request.context,
          );
          if (binary.length === 0) return reply.type('application/json').send(json);
          // Binary tensor data extension: the JSON's length in bytes, then the tensors' bytes.
          const header = Buffer.from(json);
          return reply
            .type('application/octet-stream')
            .header(headerLengthHeader, header.length)
            .send(Buffer.concat([header, ...binary]));
        },
      },
    );
  }
  return routes;
}
