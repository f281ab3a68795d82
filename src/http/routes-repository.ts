import { listModels } from '../registry/index.js';
import type { ModelManager } from './model-manager.js';
import type { Route } from './route.js';

const nameOf = (request: { params: unknown }) => (request.params as { name: string }).name;

/**
 * The OIP model repository extension (Triton's extension_model_repository.md, as MLServer
 * implements it): index, load, unload. Only present when serving from a repository with model
 * control on (`--model-control`, Triton's explicit mode), which needs the API key.
 */
export function repositoryRoutes(manager: ModelManager): Route[] {
  return [
    {
      method: 'POST', url: '/v2/repository/index', summary: 'List the repository\'s models and versions with their state', tag: 'repository',
      handler: async () => {
        const index = [];
        for (const model of await listModels(manager.repository!)) {
          const served = manager.models.has(model.name) ? manager.models.model(model.name) : undefined;
          for (const { version } of model.versions) {
            const entry = served?.versions.get(String(version));
            const state = entry ? (entry.state === 'ready' ? 'READY' : entry.state.toUpperCase()) : 'UNAVAILABLE';
            index.push({ name: model.name, version: String(version), state, reason: manager.withoutPaths(entry?.error ?? (served?.current === String(version) ? 'current' : '')) });
          }
        }
        return index;
      },
    },
    {
      method: 'POST', url: '/v2/repository/models/:name/load', summary: 'Load a model (or reload it, following its alias); body {"parameters":{"version":"3"}} pins a version', tag: 'repository', errors: [400, 401, 404],
      handler: async (request) => {
        const body = request.body as { parameters?: { version?: unknown } } | null | undefined;
        await manager.loadModel(nameOf(request), body?.parameters?.version);
        return {};
      },
    },
    {
      method: 'POST', url: '/v2/repository/models/:name/unload', summary: 'Unload every version of a model (in-flight requests finish first)', tag: 'repository', errors: [400, 401, 404],
      handler: async (request) => {
        await manager.unloadModel(nameOf(request));
        return {};
      },
    },
  ];
}
