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
  const gauge = <L extends string>(spec: MetricSpec<L>) => new Gauge<L>({ ...common(spec), registers });
  const histogram = <L extends string>(spec: MetricSpec<L>) =>
    new Histogram<L>({ ...common(spec), buckets: [...spec.buckets!], registers });
  const latency = <L extends string>(spec: MetricSpec<L>) => {
    const made = new Histogram<L>({
      ...common(spec),
      buckets: [...spec.buckets!],
      registers,
      enableExemplars: exemplars,
    });
    if (exemplars) exemplarHistograms.add(made as Histogram<string>);
    return made;
  };
  return {
    registry,
    httpRequests: counter(m.httpRequests),
    httpDuration: latency(m.httpDuration),
    inFlight: gauge(m.inFlight),
    inferenceDuration: latency(m.inferenceDuration),
    inferenceRows: counter(m.inferenceRows),
    inferenceErrors: counter(m.inferenceErrors),
    modelLoadSeconds: gauge(m.modelLoadSeconds),
    modelReady: gauge(m.modelReady),
    modelCallDuration: histogram(m.modelCallDuration),
    batchSize: histogram(m.batchSize),
    batchRequests: histogram(m.batchRequests),
    queueDuration: histogram(m.queueDuration),
    queueDepth: gauge(m.queueDepth),
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
