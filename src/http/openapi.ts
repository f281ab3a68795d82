import { berthVersion } from '../core/version.js';
import type { ModelConfig } from '../core/config.js';
import type { ModelMetadata } from '../core/inference.js';
import { errorSchema, type JsonSchema } from '../protocol/body-schemas.js';
import type { DataPlane } from '../serving/data-plane.js';
import { modelExamples, type ModelExamples, type TypicalRow } from './openapi-examples.js';
import { documentedResponse } from './openapi-responses.js';
import type { Route } from './route.js';

/**
 * The OpenAPI 3.0 document, built from the route table and each loaded model's schemas — the same
 * objects the routes validate with. Model-specific paths (e.g. /v2/models/iris/infer) are listed
 * beside the generic ones so a reader sees each model's exact request body.
 */
export function buildOpenApi(
  routes: Route[],
  dataplane: DataPlane,
  typicalRowOf: (name: string) => TypicalRow | undefined = () => undefined,
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const models: DocumentedModel[] = dataplane.models.names().flatMap((name) => {
    try {
      const { model, entry } = dataplane.models.ready(name);
      return [
        {
          name,
          metadata: entry.metadata,
          config: model.config,
          examples: modelExamples(entry.metadata, model.config, typicalRowOf(name)),
        },
      ];
    } catch {
      return [];
    }
  });
  const defaultModel = models.length === 1 ? models[0] : undefined;
  // The model whose name fills {name} in the generic paths' examples, so "Try it out" works as shown.
  const exampleModel = defaultModel ?? models[0];
  for (const route of routes) {
    const path = toOpenApiPath(route.url);
    add(
      paths,
      path,
      route,
      route.url === '/predict' ? defaultModel : undefined,
      route.url === '/predict' ? defaultModel : exampleModel,
    );
    if (route.body && route.url.includes(':name') && !route.url.includes(':version')) {
      for (const model of models)
        add(
          paths,
          path.replace('{name}', model.name),
          route,
          model,
          model,
          `${route.summary} — model \`${model.name}\``,
        );
    }
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Berth inference service',
      version: berthVersion,
      description:
        'Seed /predict dialect, Open Inference Protocol v2 and KServe v1 over one data plane. Errors are {"error": "…"}.',
    },
    paths,
    components: { schemas: { Error: errorSchema } },
  };
}

interface DocumentedModel {
  name: string;
  metadata: ModelMetadata;
  config: ModelConfig;
  examples: ModelExamples;
}

/**
 * One operation. `model` narrows the request schema (the path names it, or it is the only one);
 * `example` is the served model whose data fills the examples, also on the generic paths.
 */
function add(
  paths: Record<string, Record<string, unknown>>,
  path: string,
  route: Route,
  model: DocumentedModel | undefined,
  example: DocumentedModel | undefined,
  summary = route.summary,
): void {
  const documented = documentedResponse(route.method, route.url);
  const parameterExample = (name: string) =>
    name === 'name' ? example?.name : name === 'version' ? example?.metadata.version : documented?.parameters?.[name];
  const parameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const value = parameterExample(name!);
    return {
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      ...(value === undefined ? {} : { example: value }),
    };
  });
  const examples = example ? exampleBodies(route, example.examples) : {};
  const content: Record<string, MediaType> = { ...documented?.content };
  if (route.response) content['application/json'] = { ...content['application/json'], schema: route.response };
  if (examples.response !== undefined)
    content['application/json'] = { ...content['application/json']!, example: examples.response };
  const responses: Record<string, unknown> = {
    200: { description: 'OK', ...(Object.keys(content).length > 0 ? { content } : {}) },
  };
  for (const status of route.errors ?? [])
    responses[status] = {
      description: statusText[status] ?? 'error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  paths[path] ??= {};
  paths[path]![route.method.toLowerCase()] = {
    summary,
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: route.body(model),
                ...(examples.request === undefined ? {} : { example: examples.request }),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

type MediaType = { schema: JsonSchema; example?: unknown };

/** The served model's examples that fit this route's body and answer. */
function exampleBodies(route: Route, examples: ModelExamples): { request?: unknown; response?: unknown } {
  const url = route.url.replace('/versions/:version', '');
  if (url === '/predict' || url === '/models/:name/predict')
    return { request: examples.predict, response: examples.predict && examples.predictResponse };
  if (url === '/v2/models/:name/infer')
    return { request: examples.infer, response: examples.infer && examples.inferResponse };
  if (url.startsWith('/v1/models/:name') && route.method === 'POST') return { request: examples.v1 };
  if (url === '/v2/models/:name/feedback') return { request: examples.feedback };
  return {};
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
  return url
    .replace(/::/g, '\uE000')
    .replace(/:(\w+)(\([^)]*\))?/g, '{$1}')
    .replace(/\uE000/g, ':');
}
