import { BerthError } from '../core/errors.js';
import type { InferenceObserver, ShadowObserver } from '../core/inference.js';
import { GatheredHistogram } from './gathered-histogram.js';
import { observeLatency, type Metrics } from './metrics.js';

interface VersionSeries {
  labels: { model: string; version: string };
  /** The row counter's key. */
  key: string;
  duration: (seconds: number, traceId: string | undefined) => void;
}

/** Observers that feed the data plane's inference and shadow events into the Prometheus metrics. */
export function inferenceMetrics(metrics: Metrics): { inference: InferenceObserver; shadow: ShadowObserver } {
  // Labels, key and duration observer made once per model version, not per inference (a few
  // versions over a server's life: never dropped, like their Prometheus series).
  const byModel = new Map<string, Map<string, VersionSeries>>();
  const seriesOf = (model: string, version: string): VersionSeries => {
    let versions = byModel.get(model);
    if (!versions) byModel.set(model, (versions = new Map()));
    let series = versions.get(version);
    if (!series) {
      const labels = { model, version };
      const histogram = metrics.inferenceDuration;
      // A bound observer where it can; with exemplars (tracing) the histogram is prom-client's own.
      const duration =
        histogram instanceof GatheredHistogram
          ? histogram.observer(labels)
          : (seconds: number, traceId: string | undefined) => observeLatency(histogram, labels, seconds, traceId);
      versions.set(version, (series = { labels, key: `${model}\n${version}`, duration }));
    }
    return series;
  };
  return {
    inference(event) {
      const { labels, key, duration } = seriesOf(event.model, event.version);
      duration(event.seconds, event.request.trace?.traceId);
      if (event.error === undefined) metrics.rowCounts.update(key, () => labels, event.rows);
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
