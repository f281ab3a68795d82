import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type LabelValues,
  type RegistryContentType,
} from 'prom-client';
import { berthMetrics as m, type MetricSpec } from '../core/metric-names.js';
import { GatheredHistogram } from './gathered-histogram.js';
import { droppedLogLines } from './log-stream.js';

/**
 * The server's Prometheus metrics, one registry per server so tests and workers never share hidden
 * global state. Names, labels, help and buckets are core/metric-names.ts's.
 */
/**
 * @param options.exemplars the latency histograms keep exemplars (trace ids), which only the
 * OpenMetrics exposition format carries: /metrics then answers in it (Prometheus reads either).
 */
export function createMetrics(options: { processMetrics?: boolean; exemplars?: boolean } = {}) {
  const exemplars = options.exemplars === true;
  const registry = new Registry<RegistryContentType>();
  if (exemplars) registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const registers = [registry];
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const collectHooks: { payloadLog?: () => void } = {};
  const payloadLog = { collect: () => collectHooks.payloadLog?.() };
  const counter = <L extends string>(spec: MetricSpec<L>, extra: { collect?: (this: Counter<L>) => void } = {}) =>
    new Counter<L>({ ...common(spec), registers, ...extra });
  const gauge = <L extends string>(spec: MetricSpec<L>, extra: { collect?: (this: Gauge<L>) => void } = {}) =>
    new Gauge<L>({ ...common(spec), registers, ...extra });
  const histogram = <L extends string>(spec: MetricSpec<L>) =>
    new GatheredHistogram<L>({ ...common(spec), buckets: [...spec.buckets!], registers });
  const latency = <L extends string>(spec: MetricSpec<L>): Histogram<L> => {
    if (!exemplars) return histogram(spec);
    const made = new Histogram<L>({ ...common(spec), buckets: [...spec.buckets!], registers, enableExemplars: true });
    exemplarHistograms.add(made as Histogram<string>);
    return made;
  };
  const requestCounts = new Gathered<'route' | 'model' | 'status'>('counter');
  const rowCounts = new Gathered<'model' | 'version'>('counter');
  const depths = new Gathered<'model'>('gauge');
  return {
    registry,
    httpRequests: counter(m.httpRequests, { collect: requestCounts.collector() }),
    /** berth_http_requests_total on the request path, gathered until read (`Gathered`). */
    requestCounts,
    httpDuration: latency(m.httpDuration),
    inFlight: gauge(m.inFlight),
    inferenceDuration: latency(m.inferenceDuration),
    inferenceRows: counter(m.inferenceRows, { collect: rowCounts.collector() }),
    /** berth_inference_rows_total on the request path, gathered until read. */
    rowCounts,
    inferenceErrors: counter(m.inferenceErrors),
    modelLoadSeconds: gauge(m.modelLoadSeconds),
    modelReady: gauge(m.modelReady),
    modelCallDuration: histogram(m.modelCallDuration),
    batchSize: histogram(m.batchSize),
    batchRequests: histogram(m.batchRequests),
    queueDuration: histogram(m.queueDuration),
    queueDepth: gauge(m.queueDepth, { collect: depths.collector() }),
    /** berth_queue_depth as each enqueue and batch changes it, set when read. */
    depths,
    shadowComparisons: counter(m.shadowComparisons),
    logLinesDropped: counter(m.logLinesDropped, { collect: collectDroppedLines() }),
    shed: counter(m.shed),
    featureDrift: gauge(m.featureDrift),
    featureDrifted: gauge(m.featureDrifted),
    predictionDrift: gauge(m.predictionDrift),
    modelDrifted: gauge(m.modelDrifted),
    driftWindowRows: gauge(m.driftWindowRows),
    liveAccuracy: gauge(m.liveAccuracy),
    liveMae: gauge(m.liveMae),
    liveRmse: gauge(m.liveRmse),
    feedbackSamples: gauge(m.feedbackSamples),
    feedback: counter(m.feedback),
    payloadLogEntries: counter(m.payloadLogEntries, payloadLog),
    payloadLogBytes: counter(m.payloadLogBytes, payloadLog),
    payloadLogRotations: counter(m.payloadLogRotations, payloadLog),
    payloadLogDeletedFiles: counter(m.payloadLogDeletedFiles, payloadLog),
    payloadLogWriteErrors: counter(m.payloadLogWriteErrors, payloadLog),
    payloadLogSinkEvents: counter(m.payloadLogSinkEvents, payloadLog),
    /** Called when a metric above is scraped; whoever owns the source (the payload logger) sets it. */
    collectHooks,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Updates to a metric on the request path, kept in plain numbers by label set and applied when the
 * registry reads the metric (a scrape, the cluster's aggregate, the dashboard), so what it exposes
 * is the same. A request then pays a Map lookup where prom-client checks, hashes and copies the
 * labels (0.2–0.9 µs per update, measured in process; a one-row /predict made eight updates).
 * A counter's updates add up until the next read; a gauge's last one is its value.
 */
export class Gathered<L extends string> {
  readonly #pending = new Map<string, { labels: LabelValues<L>; value: number; changed: boolean }>();

  constructor(readonly kind: 'counter' | 'gauge') {}

  /** An increment (counter) or the new value (gauge) of the label set `key` names; `labels` is called only for a new key. */
  update(key: string, labels: () => LabelValues<L>, value = 1): void {
    let entry = this.#pending.get(key);
    if (!entry) this.#pending.set(key, (entry = { labels: labels(), value: 0, changed: false }));
    entry.value = this.kind === 'counter' ? entry.value + value : value;
    entry.changed = true;
  }

  /** The metric's `collect` option: prom-client calls it, with the metric as `this`, before each read. */
  collector(): (this: { inc?: unknown; set?: unknown }) => void {
    const pending = this.#pending;
    const counter = this.kind === 'counter';
    return function (this: { inc?: unknown; set?: unknown }) {
      for (const entry of pending.values()) {
        if (!entry.changed) continue;
        if (counter) {
          (this as Counter<L>).inc(entry.labels, entry.value);
          entry.value = 0;
        } else (this as Gauge<L>).set(entry.labels, entry.value);
        entry.changed = false;
      }
    };
  }
}

/**
 * Observes a latency. With exemplars on (tracing on: `createMetrics({ exemplars: true })`), a
 * sampled request's trace id goes with it as an OpenMetrics exemplar `{trace_id="…"}`, so a slow
 * bucket leads to a trace of a request that fell in it.
 */
export function observeLatency<Label extends string>(
  histogram: Histogram<Label>,
  labels: LabelValues<Label>,
  seconds: number,
  traceId: string | undefined,
): void {
  if (!exemplarHistograms.has(histogram as Histogram<string>)) histogram.observe(labels, seconds);
  else
    histogram.observe({
      labels,
      value: seconds,
      exemplarLabels: traceId ? ({ trace_id: traceId } as LabelValues<Label>) : {},
    });
}

/** Histograms made with exemplars: prom-client then takes only the object form of observe(). */
const exemplarHistograms = new WeakSet<Histogram<string>>();

function common<L extends string>(spec: MetricSpec<L>) {
  return {
    name: spec.name,
    help: spec.help,
    labelNames: spec.labels,
    ...(spec.aggregator ? { aggregator: spec.aggregator } : {}),
  };
}

/** The logger counts drops for the whole process; each registry adds what is new since its last scrape. */
function collectDroppedLines() {
  let reported = 0;
  return function (this: Counter) {
    const total = droppedLogLines();
    if (total > reported) this.inc(total - reported);
    reported = total;
  };
}
