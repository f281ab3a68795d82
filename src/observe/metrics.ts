import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { berthMetrics as m, type MetricSpec } from '../core/metric-names.js';
import { droppedLogLines } from './log-stream.js';

/**
 * The server's Prometheus metrics, one registry per server so tests and workers never share hidden
 * global state. Names, labels, help and buckets are core/metric-names.ts's.
 */
export function createMetrics(options: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const collectHooks: { payloadLog?: () => void } = {};
  const payloadLog = { collect: () => collectHooks.payloadLog?.() };
  const counter = <L extends string>(spec: MetricSpec<L>, extra: { collect?: (this: Counter<L>) => void } = {}) => new Counter<L>({ ...common(spec), registers, ...extra });
  const gauge = <L extends string>(spec: MetricSpec<L>) => new Gauge<L>({ ...common(spec), registers });
  const histogram = <L extends string>(spec: MetricSpec<L>) => new Histogram<L>({ ...common(spec), buckets: [...spec.buckets!], registers });
  return {
    registry,
    httpRequests: counter(m.httpRequests),
    httpDuration: histogram(m.httpDuration),
    inFlight: gauge(m.inFlight),
    inferenceDuration: histogram(m.inferenceDuration),
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

function common<L extends string>(spec: MetricSpec<L>) {
  return { name: spec.name, help: spec.help, labelNames: spec.labels, ...(spec.aggregator ? { aggregator: spec.aggregator } : {}) };
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
