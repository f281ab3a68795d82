import type { ModelConfig, Settings } from '../core/config.js';
import type { Metrics } from '../observe/metrics.js';
import type { ModelRuntime } from '../runtime/runtime.js';
import { createBatcher, isBatchable } from './batcher.js';

/**
 * Composes a model's runtime with its batcher once the signature is known: models with a variable
 * batch dimension get adaptive batching (per-model overrides from berth.yaml `model.batching`);
 * the others still get the bounded queue, one request per call.
 */
export function wrapRuntime(inner: ModelRuntime, name: string, config: ModelConfig, settings: Settings, metrics: Metrics): ModelRuntime {
  let outer: ModelRuntime = inner;
  const options = { ...settings.batching, ...config.batching };
  return {
    async load() {
      await inner.load();
      const batching = options.enabled && isBatchable(inner);
      outer = createBatcher(inner, batching ? options : { ...options, maxBatchSize: 1 }, {
        batch: (rows, requests) => {
          metrics.batchSize.observe({ model: name }, rows);
          metrics.batchRequests.observe({ model: name }, requests);
        },
        queued: (seconds) => metrics.queueDuration.observe({ model: name }, seconds),
        depth: (depth) => metrics.queueDepth.set({ model: name }, depth),
        shed: (reason) => metrics.shed.inc({ model: name, reason }),
      });
    },
    metadata: () => inner.metadata(),
    infer: (request) => outer.infer(request),
    unload: () => inner.unload(),
  };
}
