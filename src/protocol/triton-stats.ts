import { errors } from '../core/errors.js';
import type { DurationStat, InferenceStats } from '../pipeline/inference-stats.js';
import type { ModelSet, ModelVersion } from '../serving/model-set.js';

/**
 * Statistics in the shape of Triton's statistics extension (extension_statistics.md; gRPC
 * ModelStatisticsResponse): one entry per model version, for every model, one model, or one
 * version. Field names are the proto's, so the object is both the REST JSON and the gRPC message.
 * Berth keeps no response cache: cache_hit and cache_miss stay zero.
 */
export function encodeModelStatistics(models: ModelSet, name?: string, version?: string) {
  const modelStats = [];
  for (const modelName of name === undefined ? models.names() : [name]) {
    const model = models.model(modelName);
    const entries =
      version === undefined
        ? [...model.versions.values()]
        : [model.versions.get(version) ?? failUnknown(modelName, version)];
    for (const entry of entries) modelStats.push(versionStatistics(modelName, entry));
  }
  return { model_stats: modelStats };
}

function failUnknown(name: string, version: string): never {
  throw errors.unknownVersion(name, version);
}

function versionStatistics(name: string, { version, stats }: ModelVersion) {
  return {
    name,
    version,
    last_inference: stats.lastInference,
    inference_count: stats.inferenceCount,
    execution_count: stats.executionCount,
    inference_stats: {
      success: duration(stats.success),
      fail: duration(stats.fail),
      queue: duration(stats.queue),
      compute_input: duration(stats.computeInput),
      compute_infer: duration(stats.computeInfer),
      compute_output: duration(stats.computeOutput),
      cache_hit: { count: 0, ns: 0 },
      cache_miss: { count: 0, ns: 0 },
    },
    response_stats: {},
    batch_stats: batchStatistics(stats),
    memory_usage: [],
  };
}

function batchStatistics(stats: InferenceStats) {
  return [...stats.batches.entries()]
    .sort(([a], [b]) => a - b)
    .map(([size, batch]) => ({
      batch_size: size,
      compute_input: duration(batch.computeInput),
      compute_infer: duration(batch.computeInfer),
      compute_output: duration(batch.computeOutput),
    }));
}

const duration = ({ count, ns }: DurationStat) => ({ count, ns: Math.round(ns) });
