import type { ModelConfig, Settings } from '../core/config.js';
import type { ModelMetadata } from '../core/inference.js';
import type { Metrics } from '../observe/metrics.js';
import { createBatcher, isBatchable } from '../pipeline/batcher.js';
import type { InferenceStats } from '../pipeline/inference-stats.js';
import type { ModelRuntime } from '../runtime/runtime.js';

export interface VersionParts {
  name: string;
  config: ModelConfig;
  settings: Settings;
  metrics: Metrics;
  stats: InferenceStats;
}

/**
 * A model version's runtime: the one the runtime factory made, with its batcher, made once the
 * signature is known. Models with a variable batch dimension get adaptive batching (per-model
 * overrides from berth.yaml `model.batching`); the others still get the bounded queue, one request
 * per call. The data plane counts and reports each client request's inference and checks its reply
 * (observed.ts, reply-limit.ts); Berth's own calls on it (warm-up, the reference profile) are neither
 * counted nor observed.
 */
export function composeVersion(
  inner: ModelRuntime,
  { name, config, settings, metrics, stats }: VersionParts,
): ModelRuntime {
  let outer: ModelRuntime = inner;
  // One label object for every observation, not one per request (never changed: prom-client keeps it).
  const labels = { model: name };
  const depthLabels = () => labels;
  const observeBatchSize = metrics.batchSize.observer(labels);
  const observeBatchRequests = metrics.batchRequests.observer(labels);
  const observeQueue = metrics.queueDuration.observer(labels);
  return {
    async load() {
      await inner.load();
      const options = { ...settings.batching, ...config.batching };
      outer = createBatcher(
        inner,
        batchingFor(inner.metadata(), settings, config) ?? { ...options, maxBatchSize: 1 },
        {
          batch: (rows, requests) => {
            observeBatchSize(rows);
            observeBatchRequests(requests);
          },
          queued: (seconds) => {
            observeQueue(seconds);
            stats.queued(seconds);
          },
          depth: (depth) => metrics.depths.update(name, depthLabels, depth),
          shed: (reason) => metrics.shed.inc({ model: name, reason }),
          executed: (rows, requests, merge, call, split) => stats.executed(rows, requests, merge, call, split),
        },
        settings.server.requestTimeoutMs,
      );
    },
    metadata: () => inner.metadata(),
    infer: (request) => outer.infer(request),
    unload: () => outer.unload(),
  };
}

/** The adaptive batching a model version gets: undefined when it is off or the model has a fixed batch. */
export function batchingFor(
  metadata: ModelMetadata,
  settings: Settings,
  config: ModelConfig,
): Settings['batching'] | undefined {
  const options = { ...settings.batching, ...config.batching };
  return options.enabled && isBatchable(metadata) ? options : undefined;
}
