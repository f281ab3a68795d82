import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Settings } from '../core/config.js';
import { errors } from '../core/errors.js';
import type { Logger } from '../observe/logger.js';
import { encodeModelMetadata, grpcInferCodec } from '../protocol/grpc-codec.js';
import type { WireInferRequest, WireModelRequest } from '../protocol/grpc-wire.js';
import type { DataPlane } from '../serving/data-plane.js';
import type { ModelRepository } from '../serving/repository.js';
import type { RequestGate } from '../serving/request-gate.js';
import { repositoryHandlers, tritonExtensionHandlers } from './extensions.js';
import { unaryRpcFactory, type UnaryCall } from './unary.js';

export interface GrpcContext {
  dataplane: DataPlane;
  /** Request ids, the API key and admission, shared with the HTTP server: one capacity for both transports. */
  gate: RequestGate;
  settings: Settings;
  logger: Logger;
  /** The model repository extension, where the REST routes have it too. */
  repository?: ModelRepository;
}

/**
 * `inference.GRPCInferenceService` (OIP v2 gRPC) over the same data plane as the REST routes:
 * each RPC hands its message to the data plane and returns what it answers.
 */
export function inferenceHandlers({
  dataplane,
  gate,
  settings,
  logger,
  repository,
}: GrpcContext): UntypedServiceImplementation {
  const rpc = unaryRpcFactory(settings.log.requests, logger, gate);
  return {
    ...tritonExtensionHandlers(rpc, dataplane, settings),
    ...(repository ? repositoryHandlers(rpc, repository) : {}),
    ServerLive: rpc('ServerLive', () => ({ live: dataplane.live() })),
    ServerReady: rpc('ServerReady', () => ({ ready: dataplane.ready() })),
    ServerMetadata: rpc('ServerMetadata', () => dataplane.serverMetadata()),
    ModelReady: rpc('ModelReady', ({ message }: { message: WireModelRequest }) => ({
      ready: dataplane.modelReady(message.name ?? '', message.version || undefined),
    })),
    ModelMetadata: rpc('ModelMetadata', ({ message }: { message: WireModelRequest }) => {
      const { metadata, versions } = dataplane.modelMetadata(message.name ?? '', message.version || undefined);
      return encodeModelMetadata(metadata, versions);
    }),
    ModelInfer: rpc('ModelInfer', ({ message, context }: UnaryCall<WireInferRequest>) => {
      const model = message.model_name ?? '';
      if (model === '') throw errors.badField('`model_name`', 'the name of a served model');
      // No version: "the server will choose a version" (OIP), by the model's traffic policy.
      return dataplane.infer(model, message.model_version || undefined, grpcInferCodec, message, context);
    }),
  };
}
