import type { ModelConfig, Settings } from '../../src/core/config.js';
import { defaults } from '../../src/core/defaults.js';
import type { InferenceRequest, ModelMetadata } from '../../src/core/inference.js';
import type { TensorSpec } from '../../src/core/tensor.js';
import { RequestBuilder } from '../../src/pipeline/request-builder.js';
import type { Codec, ReplyEncoder } from '../../src/serving/codec.js';

/** A signature for codec tests: the given inputs and outputs, every first dimension variable. */
export function signature(
  name: string,
  inputs: TensorSpec[],
  outputs: TensorSpec[] = [],
  extra: Partial<ModelMetadata> = {},
): ModelMetadata {
  return { name, version: '1', platform: 'onnx_onnxv1', inputs, outputs, properties: {}, ...extra };
}

/** A fixture case's inputs as a signature (first dimensions variable). */
export function signatureOf(
  name: string,
  inputs: Record<string, { datatype: string; shape: number[] }>,
): ModelMetadata {
  return signature(
    name,
    Object.entries(inputs).map(([input, tensor]) => ({
      name: input,
      datatype: tensor.datatype as TensorSpec['datatype'],
      shape: tensor.shape.map((dim, index) => (index === 0 ? -1 : dim)),
    })),
  );
}

/**
 * What the data plane does with a body before the model runs, minus routing: the codec decodes
 * it into a request builder against `metadata`; `finish` (default) makes the request whole.
 */
export function decodeWith<Body, Reply>(
  codec: Codec<Body, Reply>,
  body: Body,
  metadata: ModelMetadata,
  options: { config?: ModelConfig; limits?: Settings['limits']; finish?: boolean } = {},
): { request: InferenceRequest; encode: ReplyEncoder<Reply> } {
  const config = options.config ?? { name: metadata.name };
  const builder = new RequestBuilder(metadata, options.limits ?? defaults.limits, {
    allowMissing: config.allowMissing === true,
  });
  const encode = codec.decode(body, builder, { metadata, config });
  return { request: options.finish === false ? { inputs: [] } : builder.finish(), encode };
}
