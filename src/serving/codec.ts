import type { ModelConfig } from '../core/config.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../core/inference.js';
import type { RequestBuilder } from '../pipeline/request-builder.js';

/** The version that answers a request, as a codec sees it: its signature and what berth.yaml says of it. */
export interface CodecModel {
  metadata: ModelMetadata;
  config: ModelConfig;
}

/** Turns the request's answer into the dialect's reply. */
export type ReplyEncoder<Reply> = (response: InferenceResponse, request: InferenceRequest) => Reply;

/**
 * One wire dialect (seed rows, OIP v2 JSON and binary, KServe v1, gRPC typed and raw contents),
 * as the data plane runs it: the body is decoded once, straight into typed tensors against the
 * signature of the version that answers, every check made as it goes (`request` makes them); the
 * reply is encoded from the answer by what `decode` returns, which keeps what the request asked
 * of its reply (binary outputs, one row or several).
 *
 * @example
 *   const reply = await dataplane.infer('iris', undefined, seedCodec, { features: [5.1, 3.5, 1.4, 0.2] }, context);
 */
export interface Codec<Body, Reply> {
  decode(body: Body, request: RequestBuilder, model: CodecModel): ReplyEncoder<Reply>;
}
