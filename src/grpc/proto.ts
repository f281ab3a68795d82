import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import protobuf from 'protobufjs';

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

/**
 * The RPCs of Triton's extensions that Berth implements, named as tritonclient and perf_analyzer
 * call them. Built with protobufjs directly: proto-loader would also build descriptors for every
 * message of Triton's two large files, which took ~100 ms of the gRPC listener's start (measured).
 * Messages convert as `protoLoaderOptions` say, so handlers see the same shapes as for the OIP RPCs.
 */
export function tritonExtensionDefinition(names: readonly string[]): ServiceDefinition {
  const root = new protobuf.Root();
  root.resolvePath = (_, target) => join(tritonProtoDir, basename(target));
  root.loadSync(join(tritonProtoDir, 'grpc_service.proto'), { keepCase: true });
  const service = root.lookupService('inference.GRPCInferenceService');
  const conversion: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false, arrays: true, objects: true, oneofs: true };
  const codec = (type: protobuf.Type) => ({
    serialize: (value: object) => Buffer.from(type.encode(type.fromObject(value)).finish()),
    deserialize: (bytes: Buffer) => type.toObject(type.decode(bytes), conversion),
  });
  return Object.fromEntries(names.map((name) => {
    const method = service.methods[name]!.resolve() as protobuf.Method;
    const request = codec(method.resolvedRequestType!);
    const response = codec(method.resolvedResponseType!);
    return [name, { path: `/${service.fullName.slice(1)}/${name}`, originalName: name, requestStream: false, responseStream: false, requestSerialize: request.serialize, requestDeserialize: request.deserialize, responseSerialize: response.serialize, responseDeserialize: response.deserialize }];
  })) as ServiceDefinition;
}
