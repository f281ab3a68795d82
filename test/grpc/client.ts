import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type Client,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath, protoLoaderOptions } from '../../src/grpc/proto.js';
import { startGrpcServer, type RunningGrpcServer } from '../../src/grpc/server.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { startTestServer } from '../helpers/server.js';

/** A real @grpc/grpc-js client for `inference.GRPCInferenceService`, loaded from the shipped proto. */
export function inferenceClient(port: number, options: Record<string, number> = {}): Client {
  const inference = loadPackageDefinition(loadSync(protoPath, protoLoaderOptions)).inference as GrpcObject;
  const Service = inference.GRPCInferenceService as ServiceClientConstructor;
  return new Service(`127.0.0.1:${port}`, credentials.createInsecure(), options);
}

export interface CallOptions {
  metadata?: Record<string, string>;
  deadlineMs?: number;
}

/** One unary call; resolves with the reply and its response metadata, rejects with the ServiceError. */
export function call<T = any>(
  client: Client,
  rpc: string,
  request: object,
  options: CallOptions = {},
): Promise<T & { $metadata: Metadata }> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  const callOptions = options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
  return new Promise((resolve, reject) => {
    let headers = new Metadata();
    const method = (client as unknown as Record<string, (...args: any[]) => any>)[rpc]!.bind(client);
    const pending = method(request, metadata, callOptions, (error: ServiceError | null, reply: T) => {
      if (error) reject(error);
      else resolve(Object.assign(reply as object, { $metadata: headers }) as T & { $metadata: Metadata });
    });
    pending.on('metadata', (received: Metadata) => {
      headers = received;
    });
  });
}

/** A gRPC server over a started Berth server's data plane, on a free loopback port. */
export function grpcOver(server: RunningServer): Promise<RunningGrpcServer> {
  return startGrpcServer({
    dataplane: server.dataplane,
    gate: server.gate,
    settings: server.settings,
    logger: server.logger,
    port: 0,
    host: '127.0.0.1',
  });
}

/** Raw little-endian bytes of a typed array (what raw_input_contents carries). */
export function rawOf(
  values: ArrayLike<number> | ArrayLike<bigint>,
  Type: { new (values: any): ArrayBufferView },
): Buffer {
  const typed = new Type(Array.from(values as ArrayLike<number>)) as ArrayBufferView;
  return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** Triton's BYTES raw layout: a 4-byte little-endian length before each element. */
export function rawStrings(values: string[]): Buffer {
  return Buffer.concat(
    values.flatMap((value) => {
      const bytes = Buffer.from(value, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

/** A Berth server, a gRPC server over its data plane, and a client: what each gRPC suite starts. */
export interface GrpcStack {
  server: RunningServer;
  grpc: RunningGrpcServer;
  client: Client;
}

export async function startGrpcStack(
  target: string,
  flags: Record<string, unknown> = {},
  options: { name?: string; client?: Record<string, number> } = {},
): Promise<GrpcStack> {
  const server = await startTestServer(target, flags, { name: options.name });
  const grpc = await grpcOver(server);
  return { server, grpc, client: inferenceClient(grpc.port, options.client) };
}

export async function stopGrpcStack({ server, grpc, client }: GrpcStack): Promise<void> {
  client.close();
  await grpc.close();
  await server.shutdown('test done');
}
