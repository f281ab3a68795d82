/**
 * The OIP v2 gRPC messages as @grpc/proto-loader presents them with `protoLoaderOptions`
 * (proto/open_inference_grpc.proto): snake_case names, int64/uint64 as decimal strings, bytes as
 * Buffers. Outgoing messages may use numbers for 64-bit fields; protobufjs accepts both.
 */

export interface WireParameter {
  parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'double_param' | 'uint64_param';
  bool_param?: boolean;
  int64_param?: string | number;
  string_param?: string;
  double_param?: number;
  uint64_param?: string | number;
}

export type WireParameters = Record<string, WireParameter>;

/** InferTensorContents: one repeated field per family of datatypes; FP16/BF16 have none. */
export interface WireContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: Array<string | number>;
  uint_contents?: number[];
  uint64_contents?: Array<string | number>;
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}

export interface WireInferInput {
  name?: string;
  datatype?: string;
  shape?: Array<string | number>;
  parameters?: WireParameters;
  contents?: WireContents | null;
}

export interface WireInferRequest {
  model_name?: string;
  model_version?: string;
  id?: string;
  parameters?: WireParameters;
  inputs?: WireInferInput[];
  outputs?: Array<{ name?: string; parameters?: WireParameters }>;
  raw_input_contents?: Uint8Array[];
}

export interface WireInferOutput {
  name: string;
  datatype: string;
  shape: number[];
  contents?: WireContents;
}

export interface WireInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: WireInferOutput[];
  raw_output_contents: Uint8Array[];
}

export interface WireModelRequest {
  name?: string;
  version?: string;
}

export interface WireTensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface WireModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: WireTensorMetadata[];
  outputs: WireTensorMetadata[];
}
