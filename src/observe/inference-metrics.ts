import { BerthError } from '../core/errors.js';
import type { InferenceObserver, ShadowObserver } from '../core/inference.js';
import { observeLatency, type Metrics } from './metrics.js';

/** Observers that feed the data plane's inference and shadow events into the Prometheus metrics. */
export function inferenceMetrics(metrics: Metrics): { inference: InferenceObserver; shadow: ShadowObserver } {
  return {
    inference(event) {
      const labels = { model: event.model, version: event.version };
      observeLatency(metrics.inferenceDuration, labels, event.seconds, event.request.trace?.traceId);
      if (event.error === undefined)
        metrics.rowCounts.update(`${event.model}\n${event.version}`, () => labels, event.rows);
      else
        metrics.inferenceErrors.inc({
          ...labels,
          code: event.error instanceof BerthError ? event.error.code : 'BERTH_INTERNAL',
        });
    },
    shadow(event) {
      metrics.shadowComparisons.inc({
        model: event.model,
        version: event.version,
        shadow_version: event.shadowVersion,
        agreed: event.error ? 'error' : String(event.agreed),
      });
    },
  };
}
