import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { buildOpenApi } from './openapi.js';
import type { HttpContext } from './server.js';
import type { Route } from './route.js';

/**
 * /openapi.json and the Swagger UI at /docs. The UI's assets are served from the installed
 * package (no CDN); its document is replaced by Berth's own, built from the route table.
 */
export async function registerDocs(app: FastifyInstance, routes: Route[], { dataplane }: HttpContext): Promise<void> {
  const document = () => buildOpenApi(routes, dataplane);
  app.get('/openapi.json', async () => document());
  // @fastify/swagger-ui requires @fastify/swagger; its generated document is never shown.
  await app.register(swagger, { openapi: { info: { title: 'Berth', version: '0' } } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecification: () => document(),
    transformSpecificationClone: false,
    uiConfig: { deepLinking: true, tryItOutEnabled: true },
  });
}
