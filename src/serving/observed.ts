import type { InferenceObserver } from '../core/inference.js';
import { rowsOf } from '../pipeline/batch-merge.js';
import type { InferenceStats } from '../pipeline/inference-stats.js';
import type { ModelRuntime } from '../runtime/runtime.js';

export interface ObservedOptions {
  model: string;
  version: string;
  /** The version's statistics-extension counters. */
  stats: InferenceStats;
  /** Told of every client and feedback inference, succeeded or failed (metrics, drift, payload log). */
  emit: InferenceObserver;
}

/**
 * A runtime whose inferences are counted and reported: time from the request reaching the version
 * (queueing included) to its answer, rows, outcome. Observers only learn; they never change the
 * request or the answer. A shadow copy is no client's request: it passes unobserved.
 */
export function observed(inner: ModelRuntime, { model, version, stats, emit }: ObservedOptions): ModelRuntime {
  return {
    load: () => inner.load(),
    metadata: () => inner.metadata(),
    unload: () => inner.unload(),
    async infer(request) {
      if (request.origin === 'shadow') return inner.infer(request);
      const rows = rowsOf(request);
      const requestId = request.requestId ?? request.id;
      const started = performance.now();
      try {
        const response = await inner.infer(request);
        const seconds = (performance.now() - started) / 1000;
        stats.request(true, rows, seconds);
        emit({ model, version, rows, seconds, request, response, requestId });
        return response;
      } catch (error) {
        const seconds = (performance.now() - started) / 1000;
        stats.request(false, rows, seconds);
        emit({ model, version, rows, seconds, request, error, requestId });
        throw error;
      }
    },
  };
}
