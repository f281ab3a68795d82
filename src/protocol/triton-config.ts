import type { ModelConfig, Settings } from '../core/config.js';
import type { Datatype, TensorSpec } from '../core/tensor.js';
import { isBatchable } from '../pipeline/batcher.js';
import { batchingFor } from '../serving/served-version.js';
import type { ModelMetadata } from '../core/inference.js';

/**
 * A served model's configuration in the shape of Triton's ModelConfig (model_config.proto; the
 * model configuration extension), derived from its signature and Berth's settings rather than
 * read from a config.pbtxt. Field names are the proto's, so the same object is the REST JSON and
 * the gRPC message. perf_analyzer reads max_batch_size, input/output and dynamic_batching from it.
 *
 * Batching follows Triton's convention: a model whose every input and output has a variable
 * first dimension takes batches, and its dims leave that dimension out (a [N] tensor becomes
 * dims [1] with reshape []); max_batch_size is the most rows one request may carry (limits.maxRows).
 * A model with a fixed batch has max_batch_size 0 and its full shape as dims.
 */
export function encodeModelConfig(
  metadata: ModelMetadata,
  versions: string[],
  config: ModelConfig,
  settings: Settings,
) {
  const batched = isBatchable(metadata);
  const batching = batchingFor(metadata, settings, config);
  const tensor = (spec: TensorSpec) => {
    const dims = batched ? spec.shape.slice(1) : spec.shape;
    return {
      name: spec.name,
      data_type: tritonDatatype(spec.datatype),
      dims: dims.length > 0 ? dims : [1],
      ...(dims.length === 0 ? { reshape: { shape: [] } } : {}),
    };
  };
  return {
    name: metadata.name,
    platform: metadata.platform,
    backend: 'onnxruntime',
    version_policy: { specific: { versions: versions.map(Number).filter(Number.isSafeInteger) } },
    max_batch_size: batched ? settings.limits.maxRows : 0,
    input: metadata.inputs.map((spec) => ({
      ...tensor(spec),
      format: 'FORMAT_NONE',
      is_shape_tensor: false,
      allow_ragged_batch: false,
      optional: false,
    })),
    output: metadata.outputs.map((spec) => ({ ...tensor(spec), label_filename: '', is_shape_tensor: false })),
    ...(batching
      ? {
          dynamic_batching: {
            preferred_batch_size: [],
            max_queue_delay_microseconds: batching.maxQueueDelayMicros,
            preserve_ordering: false,
            default_queue_policy: {
              timeout_action: 'REJECT',
              default_timeout_microseconds: settings.server.requestTimeoutMs * 1000,
              allow_timeout_override: false,
              max_queue_size: batching.maxQueue,
            },
          },
        }
      : {}),
    instance_group: [{ name: `${metadata.name}_0`, kind: 'KIND_CPU', count: 1 }],
    default_model_filename: 'model.onnx',
    // Berth's batcher merges queued requests into calls of up to this many rows (berth.yaml batching.maxBatchSize).
    parameters: batching ? { max_rows_per_model_call: { string_value: String(batching.maxBatchSize) } } : {},
  };
}

/** OIP datatype → model_config.proto DataType (BYTES is TYPE_STRING there). */
export function tritonDatatype(datatype: Datatype): string {
  return datatype === 'BYTES' ? 'TYPE_STRING' : `TYPE_${datatype}`;
}
