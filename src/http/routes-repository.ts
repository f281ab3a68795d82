import type { ModelRepository } from '../serving/repository.js';
import type { Route } from './route.js';

const nameOf = (request: { params: unknown }) => (request.params as { name: string }).name;

/**
 * The OIP model repository extension (Triton's extension_model_repository.md, as MLServer
 * implements it): index, load, unload. Only present when serving from a repository with model
 * control on (`--model-control`, Triton's explicit mode), which needs the API key.
 */
export function repositoryRoutes(manager: ModelRepository): Route[] {
  return [
    {
      method: 'POST',
      url: '/v2/repository/index',
      summary: 'List the repository\'s models and versions with their state; body {"ready": true} lists the ready ones',
      tag: 'repository',
      handler: async (request) =>
        manager.repositoryIndex((request.body as { ready?: unknown } | null | undefined)?.ready === true),
    },
    {
      method: 'POST',
      url: '/v2/repository/models/:name/load',
      summary: 'Load a model (or reload it, following its alias); body {"parameters":{"version":"3"}} pins a version',
      tag: 'repository',
      errors: [400, 401, 404],
      handler: async (request) => {
        const body = request.body as { parameters?: { version?: unknown } } | null | undefined;
        await manager.loadModel(nameOf(request), body?.parameters?.version);
        return {};
      },
    },
    {
      method: 'POST',
      url: '/v2/repository/models/:name/unload',
      summary: 'Unload every version of a model (in-flight requests finish first)',
      tag: 'repository',
      errors: [400, 401, 404],
      handler: async (request) => {
        await manager.unloadModel(nameOf(request));
        return {};
      },
    },
  ];
}
