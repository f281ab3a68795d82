import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Settings } from '../core/config.js';
import type { Logger } from '../observe/logger.js';
import type { DataPlane } from '../protocol/dataplane.js';
import type { Admission } from '../protocol/admission.js';
import { decodeInferRequest, encodeInferResponse, encodeModelMetadata } from './grpc-codec.js';
import type { ModelRepository } from '../protocol/repository.js';
import { repositoryHandlers, tritonExtensionHandlers } from './extensions.js';
import { unaryRpcFactory, type UnaryCall } from './unary.js';
import type { WireInferRequest, WireModelRequest } from './wire.js';

export interface GrpcContext {
  dataplane: DataPlane;
  settings: Settings;
  logger: Logger;
  /** The HTTP server's admission control, shared so both transports draw on one capacity. */
  admission?: Admission;
  /** The model repository extension, where the REST routes have it too. */
  repository?: ModelRepository;
}

/**
 * `inference.GRPCInferenceService` (OIP v2 gRPC, anchors §1.4) over the same data plane as the
 * REST routes: each RPC decodes, delegates, encodes.
 */
export function inferenceHandlers({ dataplane, settings, logger, admission, repository }: GrpcContext): UntypedServiceImplementation {
  const rpc = unaryRpcFactory(settings, logger, admission);
  return {
    ...tritonExtensionHandlers(rpc, dataplane, settings),
    ...(repository ? repositoryHandlers(rpc, repository) : {}),
    ServerLive: rpc('ServerLive', () => ({ live: dataplane.live() })),
    ServerReady: rpc('ServerReady', () => ({ ready: dataplane.ready() })),
    ServerMetadata: rpc('ServerMetadata', () => dataplane.serverMetadata()),
    ModelReady: rpc('ModelReady', ({ message }: { message: WireModelRequest }) => ({ ready: dataplane.modelReady(message.name ?? '', message.version || undefined) })),
    ModelMetadata: rpc('ModelMetadata', ({ message }: { message: WireModelRequest }) => {
      const { metadata, versions } = dataplane.modelMetadata(message.name ?? '', message.version || undefined);
      return encodeModelMetadata(metadata, versions);
    }),
    ModelInfer: rpc('ModelInfer', async ({ message, requestId, deadline }: UnaryCall<WireInferRequest>) => {
      const decoded = decodeInferRequest(message, settings.limits);
      // The caller's gRPC deadline, capped by the server's own per-request deadline.
      const ceiling = Date.now() + settings.server.requestTimeoutMs;
      decoded.request.deadline = deadline === undefined ? ceiling : Math.min(deadline, ceiling);
      // The request id keeps a caller's canary/stable choice stable, as over REST.
      const { metadata, response } = await dataplane.infer(decoded.model, decoded.version, decoded.request, { stickyKey: requestId });
      return encodeInferResponse(metadata, decoded.request, response, decoded.rawOutput);
    }),
  };
}
