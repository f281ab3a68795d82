import type { ModelConfig, Settings } from '../core/config.js';
import type { Metrics } from '../observe/metrics.js';
import type { ModelMetadata, ModelRuntime } from '../runtime/runtime.js';
import { createBatcher, isBatchable } from './batcher.js';
import { InferenceStats } from './inference-stats.js';

/**
 * Composes a model's runtime with its batcher once the signature is known: models with a variable
 * batch dimension get adaptive batching (per-model overrides from berth.yaml `model.batching`);
 * the others still get the bounded queue, one request per call.
 */
export function wrapRuntime(inner: ModelRuntime, name: string, config: ModelConfig, settings: Settings, metrics: Metrics, stats = new InferenceStats()): ModelRuntime {
  let outer: ModelRuntime = inner;
  return {
    async load() {
      await inner.load();
      const options = { ...settings.batching, ...config.batching };
      outer = createBatcher(inner, batchingFor(inner.metadata(), settings, config) ?? { ...options, maxBatchSize: 1 }, {
        batch: (rows, requests) => {
          metrics.batchSize.observe({ model: name }, rows);
          metrics.batchRequests.observe({ model: name }, requests);
        },
        queued: (seconds) => {
          metrics.queueDuration.observe({ model: name }, seconds);
          stats.queued(seconds);
        },
        depth: (depth) => metrics.queueDepth.set({ model: name }, depth),
        shed: (reason) => metrics.shed.inc({ model: name, reason }),
        executed: (rows, requests, merge, call, split) => stats.executed(rows, requests, merge, call, split),
      });
    },
    metadata: () => inner.metadata(),
    infer: (request) => outer.infer(request),
    unload: () => inner.unload(),
  };
}

/** The adaptive batching a model version gets: undefined when it is off or the model has a fixed batch. */
export function batchingFor(metadata: ModelMetadata, settings: Settings, config: ModelConfig): Settings['batching'] | undefined {
  const options = { ...settings.batching, ...config.batching };
  return options.enabled && isBatchable(metadata) ? options : undefined;
}
