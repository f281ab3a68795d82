import { createServer, type Socket } from 'node:net';
import { errors } from '../core/errors.js';
import type { GrpcStack } from './grpc-stack.js';
import type { GrpcContext } from './service.js';

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
   * Stops accepting connections and waits for in-flight calls (grpc-js sends GOAWAY), then
   * cancels whatever is left after `graceMs` (default: settings.server.drainSeconds).
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Serves the OIP v2 gRPC service. The port is Berth's own `node:net` listener; grpc-js, protobufjs
 * and the service definitions (~4 MB of an idle server's RSS) load at the first connection, which
 * waits for them once (~0.1 s), and take every connection from then on. What a client sent before
 * then is buffered by its socket and read by HTTP/2 when grpc-js takes the socket over.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { settings } = options;
  const port = options.port ?? settings.server.grpcPort;
  let stack: Promise<GrpcStack> | undefined;
  const loadStack = () =>
    (stack ??= import('./grpc-stack.js')
      .then(({ createGrpcStack }) => createGrpcStack(options))
      .catch((error: unknown) => {
        options.logger.error({ error: String(error) }, 'gRPC could not start; connections are closed');
        throw error;
      }));
  const sockets = new Set<Socket>();
  const listener = createServer({ noDelay: true }, (socket) => {
    // Until grpc-js owns it (a socket that closes before then is only forgotten).
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    loadStack().then(
      (grpc) => {
        sockets.delete(socket);
        if (!socket.destroyed) grpc.inject(socket);
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? errors.portInUse('gRPC', port, '--grpc-port', 'BERTH_GRPC_PORT')
          : errors.badConfig(
              'server.grpcPort',
              `cannot listen for gRPC on ${options.host ?? settings.server.host}:${port}: ${error.message}`,
            ),
      ),
    );
    listener.listen({ host: options.host ?? settings.server.host, port }, resolve);
  });
  let closing: Promise<void> | undefined;
  const close = (graceMs = settings.server.drainSeconds * 1000) =>
    (closing ??= (async () => {
      // No new connections; those grpc-js holds end with its sessions.
      listener.close();
      for (const socket of sockets) socket.destroy();
      const grpc = await stack?.catch(() => undefined);
      await grpc?.close(graceMs);
    })());
  return { port: (listener.address() as { port: number }).port, close };
}
