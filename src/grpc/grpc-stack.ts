import type { Duplex } from 'node:stream';
import { logVerbosity, Server, ServerCredentials, setLogVerbosity } from '@grpc/grpc-js';
import { inferenceServiceDefinition, tritonExtensionDefinition } from './proto.js';
import { ReceiveGate } from './receive-gate.js';
import { inferenceHandlers, type GrpcContext } from './service.js';

export interface GrpcStack {
  /** Hands grpc-js a connection accepted by Berth's own listener. */
  inject(connection: Duplex): void;
  /** GOAWAY to every session, waits for in-flight calls, cancels what is left after `graceMs`. */
  close(graceMs: number): Promise<void>;
}

/**
 * grpc-js with the OIP v2 service and Triton's extensions, fed connections through
 * `createConnectionInjector` instead of a port of its own. Message limits apply both ways: grpc's
 * own 4 MiB receive default is the most common complaint against Triton and KServe, so Berth uses
 * settings.grpc.maxMessageBytes (64 MiB by default) for what it accepts and what it sends, and
 * receive-gate.ts bounds how many messages are read at once.
 */
export function createGrpcStack(context: GrpcContext): GrpcStack {
  setLogVerbosity(logVerbosity.NONE);
  // Sized at start from the memory limit (start-server.ts, core/memory-limit.ts).
  const { maxMessageBytes, receiveBytesInFlight } = context.settings.grpc;
  const { requestReceiveTimeoutMs, receiveTimeoutCheckMs } = context.settings.server;
  const receiving = new ReceiveGate(
    maxMessageBytes,
    receiveBytesInFlight,
    requestReceiveTimeoutMs,
    receiveTimeoutCheckMs,
  );
  const server = new Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
    interceptors: [receiving.interceptor],
  });
  const handlers = inferenceHandlers(context);
  // The Open Inference Protocol's RPCs, then Triton's extensions Berth answers, on the one service.
  const extensions = Object.keys(handlers).filter((name) => !(name in inferenceServiceDefinition()));
  server.addService({ ...inferenceServiceDefinition(), ...tritonExtensionDefinition(extensions) }, handlers);
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  let closing: Promise<void> | undefined;
  return {
    inject: (connection) => injector.injectConnection(connection),
    close: (graceMs) =>
      (closing ??= new Promise<void>((resolve) => {
        receiving.close();
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      })),
  };
}
