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
export const protoLoaderOptions: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
  oneofs: true,
};

let service: ServiceDefinition | undefined;

export function inferenceServiceDefinition(): ServiceDefinition {
  service ??= loadSync(protoPath, protoLoaderOptions)['inference.GRPCInferenceService'] as ServiceDefinition;
  return service;
}

/** Triton's protos (proto/triton/): its extension RPCs on the same `inference.GRPCInferenceService`. */
export const tritonProtoDir = fileURLToPath(new URL('../../proto/triton/', import.meta.url));

/**
 * The RPCs of Triton's extensions that Berth implements, named as tritonclient and perf_analyzer
 * call them (`<Rpc>Request` → `<Rpc>Response`). Triton's protos are parsed with protobufjs at
 * the first such call, not at start: parsing them cost ~30 ms and left idle RSS ~1.5 MB higher for
 * a server no client asks (and proto-loader's descriptors for every message took ~100 ms).
 * Messages convert as `protoLoaderOptions` say, so handlers see the same shapes as for the OIP RPCs.
 */
export function tritonExtensionDefinition(names: readonly string[]): ServiceDefinition {
  const conversion: protobuf.IConversionOptions = {
    longs: String,
    enums: String,
    defaults: false,
    arrays: true,
    objects: true,
    oneofs: true,
  };
  const codec = (message: string) => ({
    serialize: (value: object) => {
      const type = tritonType(message);
      return Buffer.from(type.encode(type.fromObject(value)).finish());
    },
    deserialize: (bytes: Buffer) => {
      const type = tritonType(message);
      return type.toObject(type.decode(bytes), conversion);
    },
  });
  return Object.fromEntries(
    names.map((name) => {
      const request = codec(`${name}Request`);
      const response = codec(`${name}Response`);
      return [
        name,
        {
          path: `/inference.GRPCInferenceService/${name}`,
          originalName: name,
          requestStream: false,
          responseStream: false,
          requestSerialize: request.serialize,
          requestDeserialize: request.deserialize,
          responseSerialize: response.serialize,
          responseDeserialize: response.deserialize,
        },
      ];
    }),
  ) as ServiceDefinition;
}

let tritonRoot: protobuf.Root | undefined;

function tritonType(name: string): protobuf.Type {
  if (!tritonRoot) {
    const root = new protobuf.Root();
    root.resolvePath = (_, target) => join(tritonProtoDir, basename(target));
    tritonRoot = root.loadSync(join(tritonProtoDir, 'grpc_service.proto'), { keepCase: true });
  }
  return tritonRoot.lookupType(`inference.${name}`);
}
