import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

/**
 * The OIP v2 gRPC definition (package `inference`, service `GRPCInferenceService`), shipped in the
 * package's `proto/` folder (package.json "files"); the same path resolves from `src/grpc` (tsx)
 * and `dist/grpc` (built).
 */
export const protoPath = fileURLToPath(new URL('../../proto/open_inference_grpc.proto', import.meta.url));

/**
 * How messages look in JS: field names exactly as in the .proto (`raw_input_contents`), 64-bit
 * integers as decimal strings (exact, unlike numbers), bytes as Buffers, repeated fields always
 * arrays and map fields always objects, and the name of the set `oneof` member alongside it.
 * Clients loading the same file with these options see the messages as the server does.
 */
export const protoLoaderOptions: Options = { keepCase: true, longs: String, enums: String, defaults: false, arrays: true, objects: true, oneofs: true };

let service: ServiceDefinition | undefined;

export function inferenceServiceDefinition(): ServiceDefinition {
  service ??= loadSync(protoPath, protoLoaderOptions)['inference.GRPCInferenceService'] as ServiceDefinition;
  return service;
}

/** Triton's protos (proto/triton/): its extension RPCs on the same `inference.GRPCInferenceService`. */
export const tritonProtoDir = fileURLToPath(new URL('../../proto/triton/', import.meta.url));

let triton: ServiceDefinition | undefined;

/** The RPCs of Triton's extensions that Berth implements, named as tritonclient and perf_analyzer call them. */
export function tritonExtensionDefinition(names: readonly string[]): ServiceDefinition {
  triton ??= loadSync(join(tritonProtoDir, 'grpc_service.proto'), { ...protoLoaderOptions, includeDirs: [tritonProtoDir] })['inference.GRPCInferenceService'] as ServiceDefinition;
  return Object.fromEntries(names.map((name) => [name, triton![name]!]));
}
