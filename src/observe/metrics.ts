import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type LabelValues, type RegistryContentType } from 'prom-client';
import { defaults } from '../core/defaults.js';
import { droppedLogLines } from './log-stream.js';

/**
 * Every Prometheus metric Berth exports: names, labels and buckets are defined here and nowhere
 * else. One registry per server, so tests and workers never share hidden global state.
 */
const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A one-row call of a small model takes tens of µs; the low bounds also separate calls kept inline
 * from those sent to the thread (defaults.onnx.threadAboveMicros). */
const computeBuckets = [0.00005, 0.0001, 0.00025, ...latencyBuckets];
const batchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

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
  const metrics = {
    registry,
    httpRequests: new Counter({ name: 'berth_http_requests_total', help: 'HTTP requests answered, by route, model and status code.', labelNames: ['route', 'model', 'status'] as const, registers }),
    httpDuration: new Histogram({ name: 'berth_http_request_duration_seconds', help: 'Time from request received to response sent.', labelNames: ['route', 'model'] as const, buckets: latencyBuckets, registers, enableExemplars: exemplars }),
    inFlight: new Gauge({ name: 'berth_http_requests_in_flight', help: 'HTTP requests being handled.', registers }),
    inferenceDuration: new Histogram({ name: 'berth_inference_duration_seconds', help: 'Time in the data plane per inference request (queueing + model).', labelNames: ['model', 'version'] as const, buckets: latencyBuckets, registers, enableExemplars: exemplars }),
    inferenceRows: new Counter({ name: 'berth_inference_rows_total', help: 'Rows predicted.', labelNames: ['model', 'version'] as const, registers }),
    inferenceErrors: new Counter({ name: 'berth_inference_errors_total', help: 'Inference requests that failed, by error code.', labelNames: ['model', 'version', 'code'] as const, registers }),
    modelLoadSeconds: new Gauge({ name: 'berth_model_load_seconds', help: 'Seconds the model version took to load.', labelNames: ['model', 'version'] as const, registers, aggregator: 'max' }),
    // Across workers a model is ready only where every worker has it (min).
    modelReady: new Gauge({ name: 'berth_model_ready', help: '1 when the model version is loaded and serving.', labelNames: ['model', 'version'] as const, registers, aggregator: 'min' }),
    modelCallDuration: new Histogram({ name: 'berth_model_call_duration_seconds', help: 'Time onnxruntime computed one model call, by where it ran: main (inline, holding the event loop) or onnxruntime (its own thread).', labelNames: ['model', 'version', 'thread'] as const, buckets: computeBuckets, registers }),
    batchSize: new Histogram({ name: 'berth_batch_size', help: 'Rows per model call after adaptive batching.', labelNames: ['model'] as const, buckets: batchBuckets, registers }),
    batchRequests: new Histogram({ name: 'berth_batch_requests', help: 'Requests merged into one model call.', labelNames: ['model'] as const, buckets: batchBuckets, registers }),
    queueDuration: new Histogram({ name: 'berth_queue_duration_seconds', help: 'Time a request waited in the batch queue.', labelNames: ['model'] as const, buckets: latencyBuckets, registers }),
    queueDepth: new Gauge({ name: 'berth_queue_depth', help: 'Requests waiting in the batch queue.', labelNames: ['model'] as const, registers }),
    shadowComparisons: new Counter({ name: 'berth_shadow_comparisons_total', help: 'Shadow requests compared with the primary answer, by agreement (true/false/error).', labelNames: ['model', 'version', 'shadow_version', 'agreed'] as const, registers }),
    logLinesDropped: new Counter({ name: 'berth_log_lines_dropped_total', help: `Log lines dropped because stdout could not keep up (at most ${defaults.logStream.maxWaitingBytes / 2 ** 20} MiB wait to be written).`, registers, collect: collectDroppedLines() }),
    shed: new Counter({ name: 'berth_requests_shed_total', help: 'Requests refused with 429 (overload: in_flight, body_bytes, event_loop, queue_full) or 504 (deadline).', labelNames: ['model', 'reason'] as const, registers }),
    // Monitoring (src/observe/monitoring): set from the drift report, computed off the request path.
    // Across workers each judges its own window: scores are averaged, flags take the max.
    featureDrift: new Gauge({ name: 'berth_feature_drift', help: 'Drift score of an input feature against the reference profile, by method (psi, ks_statistic, ks_pvalue, chi2_pvalue).', labelNames: ['model', 'version', 'feature', 'method'] as const, registers, aggregator: 'average' }),
    featureDrifted: new Gauge({ name: 'berth_feature_drifted', help: '1 when the feature is flagged by the drift rule (PSI > threshold, or KS p-value and statistic both past theirs, or chi-square p-value).', labelNames: ['model', 'version', 'feature'] as const, registers, aggregator: 'max' }),
    predictionDrift: new Gauge({ name: 'berth_prediction_drift', help: 'Drift score of the predictions against the reference predictions, by method.', labelNames: ['model', 'version', 'method'] as const, registers, aggregator: 'average' }),
    modelDrifted: new Gauge({ name: 'berth_model_drifted', help: '1 when any feature or the predictions of the model version drifted.', labelNames: ['model', 'version'] as const, registers, aggregator: 'max' }),
    driftWindowRows: new Gauge({ name: 'berth_drift_window_rows', help: 'Rows in the live drift window.', labelNames: ['model', 'version'] as const, registers }),
    liveAccuracy: new Gauge({ name: 'berth_live_accuracy', help: 'Accuracy of recent predictions that received feedback (classification).', labelNames: ['model', 'version'] as const, registers, aggregator: 'average' }),
    liveMae: new Gauge({ name: 'berth_live_mae', help: 'Mean absolute error of recent predictions that received feedback (regression).', labelNames: ['model', 'version'] as const, registers, aggregator: 'average' }),
    liveRmse: new Gauge({ name: 'berth_live_rmse', help: 'Root mean squared error of recent predictions that received feedback (regression).', labelNames: ['model', 'version'] as const, registers, aggregator: 'average' }),
    feedbackSamples: new Gauge({ name: 'berth_feedback_samples', help: 'Feedback outcomes in the live accuracy window.', labelNames: ['model', 'version'] as const, registers }),
    feedback: new Counter({ name: 'berth_feedback_total', help: 'Feedback received, by outcome (matched, unmatched, rejected).', labelNames: ['model', 'outcome'] as const, registers }),
    payloadLogEntries: new Counter({ name: 'berth_payload_log_entries_total', help: 'Inferences offered to the payload log, by outcome (written, dropped, sampled_out, unserializable).', labelNames: ['outcome'] as const, registers, collect: () => collectHooks.payloadLog?.() }),
    payloadLogBytes: new Counter({ name: 'berth_payload_log_bytes_total', help: 'Bytes written to payload log files.', registers, collect: () => collectHooks.payloadLog?.() }),
    payloadLogRotations: new Counter({ name: 'berth_payload_log_rotations_total', help: 'Payload log files rotated.', registers, collect: () => collectHooks.payloadLog?.() }),
    payloadLogDeletedFiles: new Counter({ name: 'berth_payload_log_deleted_files_total', help: 'Rotated payload log files deleted to stay under the disk cap.', registers, collect: () => collectHooks.payloadLog?.() }),
    payloadLogWriteErrors: new Counter({ name: 'berth_payload_log_write_errors_total', help: 'Failed payload log writes (queued entries dropped).', registers, collect: () => collectHooks.payloadLog?.() }),
    payloadLogSinkEvents: new Counter({ name: 'berth_payload_log_sink_events_total', help: 'CloudEvents for the payload log sink, by outcome (sent, failed, dropped).', labelNames: ['outcome'] as const, registers, collect: () => collectHooks.payloadLog?.() }),
    /** Called when a metric above is scraped; whoever owns the source (the payload logger) sets it. */
    collectHooks,
  };
  if (exemplars) for (const histogram of [metrics.httpDuration, metrics.inferenceDuration]) exemplarHistograms.add(histogram as Histogram<string>);
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Observes a latency. With exemplars on (tracing on: `createMetrics({ exemplars: true })`), a
 * sampled request's trace id goes with it as an OpenMetrics exemplar `{trace_id="…"}`, so a slow
 * bucket leads to a trace of a request that fell in it.
 */
export function observeLatency<Label extends string>(histogram: Histogram<Label>, labels: LabelValues<Label>, seconds: number, traceId: string | undefined): void {
  if (!exemplarHistograms.has(histogram)) histogram.observe(labels, seconds);
  else histogram.observe({ labels, value: seconds, exemplarLabels: traceId ? ({ trace_id: traceId } as LabelValues<Label>) : {} });
}

/** Histograms made with exemplars: prom-client then takes only the object form of observe(). */
const exemplarHistograms = new WeakSet<Histogram<string>>();

/** The logger counts drops for the whole process; each registry adds what is new since its last scrape. */
function collectDroppedLines() {
  let reported = 0;
  return function (this: Counter) {
    const total = droppedLogLines();
    if (total > reported) this.inc(total - reported);
    reported = total;
  };
}
