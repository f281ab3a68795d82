import { logVerbosity, Server, ServerCredentials, setLogVerbosity } from '@grpc/grpc-js';
import { errors } from '../core/errors.js';
import { inferenceServiceDefinition, tritonExtensionDefinition } from './proto.js';
import { inferenceHandlers, type GrpcContext } from './service.js';

export interface GrpcServerOptions extends GrpcContext {
  /** Default: settings.server.grpcPort (0 here means "any free port", as in tests). */
  port?: number;
  /** Default: settings.server.host. */
  host?: string;
}

export interface RunningGrpcServer {
  /** The bound port (useful when 0 was asked for). */
  port: number;
  /**
   * Stops accepting calls and waits for in-flight ones (grpc-js tryShutdown sends GOAWAY), then
   * cancels whatever is left after `graceMs` (default: settings.server.drainSeconds).
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves the OIP v2 gRPC service. Message limits apply both ways: grpc's own 4 MiB receive
 * default is the most common complaint against Triton and KServe, so Berth uses
 * settings.grpc.maxMessageBytes (64 MiB by default) for what it accepts and what it sends.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { settings } = options;
  // grpc-js writes its own line to stderr when a bind fails; Berth reports the failure itself.
  setLogVerbosity(logVerbosity.NONE);
  const maxBytes = settings.grpc.maxMessageBytes;
  const server = new Server({ 'grpc.max_receive_message_length': maxBytes, 'grpc.max_send_message_length': maxBytes });
  const handlers = inferenceHandlers(options);
  // The Open Inference Protocol's RPCs, then Triton's extensions Berth answers, on the one service.
  const extensions = Object.keys(handlers).filter((name) => !(name in inferenceServiceDefinition()));
  server.addService({ ...inferenceServiceDefinition(), ...tritonExtensionDefinition(extensions) }, handlers);
  const host = options.host ?? settings.server.host;
  const address = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? settings.server.grpcPort}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) => {
      if (error && /EADDRINUSE/.test(error.message)) reject(errors.portInUse('gRPC', options.port ?? settings.server.grpcPort, '--grpc-port', 'BERTH_GRPC_PORT'));
      else if (error) reject(errors.badConfig('server.grpcPort', `cannot listen for gRPC on ${address}: ${error.message}`));
      else resolve(bound);
    });
  });
  let closing: Promise<void> | undefined;
  const close = (graceMs = settings.server.drainSeconds * 1000) => {
    closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    return closing;
  };
  return { port, close };
}
