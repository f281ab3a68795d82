import { berthVersion } from '../core/version.js';
import type { DataPlane } from '../serving/data-plane.js';
import { errorSchema, type JsonSchema } from '../protocol/body-schemas.js';
import type { Route } from './route.js';

/**
 * The OpenAPI 3.0 document, built from the route table and each loaded model's schemas — the same
 * objects the routes validate with. Model-specific paths (e.g. /v2/models/iris/infer) are listed
 * beside the generic ones so a reader sees each model's exact request body.
 */
export function buildOpenApi(routes: Route[], dataplane: DataPlane): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const models = dataplane.models.names().flatMap((name) => {
    try {
      const { model, entry } = dataplane.models.ready(name);
      return [{ name, metadata: entry.metadata, config: model.config }];
    } catch {
      return [];
    }
  });
  const defaultModel = models.length === 1 ? models[0] : undefined;
  for (const route of routes) {
    const path = toOpenApiPath(route.url);
    add(paths, path, route, route.url === '/predict' ? defaultModel : undefined);
    if (route.body && route.url.includes(':name') && !route.url.includes(':version')) {
      for (const model of models) add(paths, path.replace('{name}', model.name), route, model, `${route.summary} — model \`${model.name}\``);
    }
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Berth inference service', version: berthVersion, description: 'Seed /predict dialect, Open Inference Protocol v2 and KServe v1 over one data plane. Errors are {"error": "…"}.' },
    paths,
    components: { schemas: { Error: errorSchema } },
  };
}

function add(paths: Record<string, Record<string, unknown>>, path: string, route: Route, model: Parameters<NonNullable<Route['body']>>[0], summary = route.summary): void {
  const parameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const responses: Record<string, unknown> = { 200: { description: 'OK', ...(route.response ? { content: { 'application/json': { schema: route.response } } } : {}) } };
  for (const status of route.errors ?? []) responses[status] = { description: statusText[status] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  paths[path] ??= {};
  paths[path]![route.method.toLowerCase()] = {
    summary,
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body(model) } } } } : {}),
    responses,
  };
}

const statusText: Record<number, string> = {
  400: 'the request is wrong; the message says what and where',
  401: 'missing or wrong API key',
  404: 'unknown model or version',
  413: 'body, rows or values over the limit',
  415: 'not application/json',
  429: 'overloaded; retry after Retry-After seconds',
  503: 'not ready, or draining',
  504: 'deadline exceeded',
};

function toOpenApiPath(url: string): string {
  return url.replace(/::/g, '\uE000').replace(/:(\w+)(\([^)]*\))?/g, '{$1}').replace(/\uE000/g, ':');
}
