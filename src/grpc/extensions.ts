import type { Settings } from '../core/config.js';
import type { DataPlane } from '../serving/data-plane.js';
import type { ModelRepository } from '../serving/repository.js';
import { encodeModelConfig } from '../protocol/triton-config.js';
import { encodeModelStatistics } from '../protocol/triton-stats.js';
import type { unaryRpcFactory } from './unary.js';
import type { WireModelRequest } from '../protocol/grpc-wire.js';

type Rpc = ReturnType<typeof unaryRpcFactory>;

/**
 * Triton's extension RPCs (proto/triton/grpc_service.proto) over the same data plane and encoders
 * as their REST routes: ModelConfig (model configuration extension) and ModelStatistics
 * (statistics extension). An empty name or version means "any", as in the proto.
 */
export function tritonExtensionHandlers(rpc: Rpc, dataplane: DataPlane, settings: Settings) {
  return {
    ModelConfig: rpc('ModelConfig', ({ message }: { message: WireModelRequest }) => {
      const name = message.name ?? '';
      const version = message.version || undefined;
      const { model, entry } = dataplane.models.ready(name, version);
      return {
        config: encodeModelConfig(
          entry.metadata,
          dataplane.modelMetadata(name, version).versions,
          model.config,
          settings,
        ),
      };
    }),
    ModelStatistics: rpc('ModelStatistics', ({ message }: { message: WireModelRequest }) =>
      encodeModelStatistics(dataplane.models, message.name || undefined, message.version || undefined),
    ),
  };
}

interface RepositoryRequest {
  model_name?: string;
  ready?: boolean;
  parameters?: Record<
    string,
    {
      parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'bytes_param';
      string_param?: string;
      int64_param?: string;
    }
  >;
}

/** The model repository extension over gRPC: RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload. */
export function repositoryHandlers(rpc: Rpc, repository: ModelRepository) {
  return {
    RepositoryIndex: rpc('RepositoryIndex', async ({ message }: { message: RepositoryRequest }) => ({
      models: await repository.repositoryIndex(message.ready === true),
    })),
    RepositoryModelLoad: rpc('RepositoryModelLoad', async ({ message }: { message: RepositoryRequest }) => {
      // As over REST: parameters {"version": "3"} pins a version (a string or an int64 parameter).
      const pinned = message.parameters?.version;
      const version = pinned?.string_param ?? pinned?.int64_param;
      await repository.loadModel(message.model_name ?? '', version === undefined ? undefined : String(version));
      return {};
    }),
    RepositoryModelUnload: rpc('RepositoryModelUnload', async ({ message }: { message: RepositoryRequest }) => {
      await repository.unloadModel(message.model_name ?? '');
      return {};
    }),
  };
}
