import { defaults } from './defaults.js';

/**
 * Every Prometheus metric Berth exports: name, type, help, labels and buckets, defined here and
 * nowhere else. The server registers them (observe/metrics.ts), the Grafana dashboard and alert
 * rules query them (deploy/monitoring/), and the dashboard page reads them from a module generated
 * from this one (http/dashboard/static/metric-names.js, `npm run generate`).
 */
const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A one-row call of a small model takes tens of µs; the low bounds also separate calls kept inline
 * from those sent to the thread (defaults.onnx.threadAboveMicros). */
const computeBuckets = [0.00005, 0.0001, 0.00025, ...latencyBuckets];
const batchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** How a cluster's primary combines its workers' values (prom-client's AggregatorRegistry); sum unless said. */
type Aggregator = 'sum' | 'max' | 'min' | 'average';

export interface MetricSpec<L extends string = string> {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  labels: readonly L[];
  buckets?: readonly number[];
  aggregator?: Aggregator;
}

const metric = <const L extends string>(spec: MetricSpec<L>): MetricSpec<L> => spec;

export const berthMetrics = {
  httpRequests: metric({
    name: 'berth_http_requests_total',
    type: 'counter',
    help: 'HTTP requests answered, by route, model and status code.',
    labels: ['route', 'model', 'status'],
  }),
  httpDuration: metric({
    name: 'berth_http_request_duration_seconds',
    type: 'histogram',
    help: 'Time from request received to response sent.',
    labels: ['route', 'model'],
    buckets: latencyBuckets,
  }),
  inFlight: metric({
    name: 'berth_http_requests_in_flight',
    type: 'gauge',
    help: 'HTTP requests being handled.',
    labels: [],
  }),
  inferenceDuration: metric({
    name: 'berth_inference_duration_seconds',
    type: 'histogram',
    help: 'Time in the data plane per inference request (queueing + model).',
    labels: ['model', 'version'],
    buckets: latencyBuckets,
  }),
  inferenceRows: metric({
    name: 'berth_inference_rows_total',
    type: 'counter',
    help: 'Rows predicted.',
    labels: ['model', 'version'],
  }),
  inferenceErrors: metric({
    name: 'berth_inference_errors_total',
    type: 'counter',
    help: 'Inference requests that failed, by error code.',
    labels: ['model', 'version', 'code'],
  }),
  modelLoadSeconds: metric({
    name: 'berth_model_load_seconds',
    type: 'gauge',
    help: 'Seconds the model version took to load.',
    labels: ['model', 'version'],
    aggregator: 'max',
  }),
  // Across workers a model is ready only where every worker has it (min).
  modelReady: metric({
    name: 'berth_model_ready',
    type: 'gauge',
    help: '1 when the model version is loaded and serving.',
    labels: ['model', 'version'],
    aggregator: 'min',
  }),
  modelCallDuration: metric({
    name: 'berth_model_call_duration_seconds',
    type: 'histogram',
    help: 'Time onnxruntime computed one model call, by where it ran: main (inline, holding the event loop) or onnxruntime (its own thread).',
    labels: ['model', 'version', 'thread'],
    buckets: computeBuckets,
  }),
  batchSize: metric({
    name: 'berth_batch_size',
    type: 'histogram',
    help: 'Rows per model call after adaptive batching.',
    labels: ['model'],
    buckets: batchBuckets,
  }),
  batchRequests: metric({
    name: 'berth_batch_requests',
    type: 'histogram',
    help: 'Requests merged into one model call.',
    labels: ['model'],
    buckets: batchBuckets,
  }),
  queueDuration: metric({
    name: 'berth_queue_duration_seconds',
    type: 'histogram',
    help: 'Time a request waited in the batch queue.',
    labels: ['model'],
    buckets: latencyBuckets,
  }),
  queueDepth: metric({
    name: 'berth_queue_depth',
    type: 'gauge',
    help: 'Requests waiting in the batch queue.',
    labels: ['model'],
  }),
  shadowComparisons: metric({
    name: 'berth_shadow_comparisons_total',
    type: 'counter',
    help: 'Shadow requests compared with the primary answer, by agreement (true/false/error).',
    labels: ['model', 'version', 'shadow_version', 'agreed'],
  }),
  logLinesDropped: metric({
    name: 'berth_log_lines_dropped_total',
    type: 'counter',
    help: `Log lines dropped because stdout could not keep up (at most ${defaults.logStream.maxWaitingBytes / 2 ** 20} MiB wait to be written).`,
    labels: [],
  }),
  shed: metric({
    name: 'berth_requests_shed_total',
    type: 'counter',
    help: 'Requests refused with 429 (overload: in_flight, body_bytes, event_loop, queue_full) or 504 (deadline).',
    labels: ['model', 'reason'],
  }),
  // Monitoring: set from the drift report, computed off the request path. Across workers each
  // judges its own window: scores are averaged, flags take the max.
  featureDrift: metric({
    name: 'berth_feature_drift',
    type: 'gauge',
    help: 'Drift score of an input feature against the reference profile, by method (psi, ks_statistic, ks_pvalue, chi2_pvalue).',
    labels: ['model', 'version', 'feature', 'method'],
    aggregator: 'average',
  }),
  featureDrifted: metric({
    name: 'berth_feature_drifted',
    type: 'gauge',
    help: '1 when the feature is flagged by the drift rule (PSI > threshold, or KS p-value and statistic both past theirs, or chi-square p-value).',
    labels: ['model', 'version', 'feature'],
    aggregator: 'max',
  }),
  predictionDrift: metric({
    name: 'berth_prediction_drift',
    type: 'gauge',
    help: 'Drift score of the predictions against the reference predictions, by method.',
    labels: ['model', 'version', 'method'],
    aggregator: 'average',
  }),
  modelDrifted: metric({
    name: 'berth_model_drifted',
    type: 'gauge',
    help: '1 when any feature or the predictions of the model version drifted.',
    labels: ['model', 'version'],
    aggregator: 'max',
  }),
  driftWindowRows: metric({
    name: 'berth_drift_window_rows',
    type: 'gauge',
    help: 'Rows in the live drift window.',
    labels: ['model', 'version'],
  }),
  liveAccuracy: metric({
    name: 'berth_live_accuracy',
    type: 'gauge',
    help: 'Accuracy of recent predictions that received feedback (classification).',
    labels: ['model', 'version'],
    aggregator: 'average',
  }),
  liveMae: metric({
    name: 'berth_live_mae',
    type: 'gauge',
    help: 'Mean absolute error of recent predictions that received feedback (regression).',
    labels: ['model', 'version'],
    aggregator: 'average',
  }),
  liveRmse: metric({
    name: 'berth_live_rmse',
    type: 'gauge',
    help: 'Root mean squared error of recent predictions that received feedback (regression).',
    labels: ['model', 'version'],
    aggregator: 'average',
  }),
  feedbackSamples: metric({
    name: 'berth_feedback_samples',
    type: 'gauge',
    help: 'Feedback outcomes in the live accuracy window.',
    labels: ['model', 'version'],
  }),
  feedback: metric({
    name: 'berth_feedback_total',
    type: 'counter',
    help: 'Feedback received, by outcome (matched, unmatched, rejected).',
    labels: ['model', 'outcome'],
  }),
  payloadLogEntries: metric({
    name: 'berth_payload_log_entries_total',
    type: 'counter',
    help: 'Inferences offered to the payload log, by outcome (written, dropped, sampled_out, unserializable).',
    labels: ['outcome'],
  }),
  payloadLogBytes: metric({
    name: 'berth_payload_log_bytes_total',
    type: 'counter',
    help: 'Bytes written to payload log files.',
    labels: [],
  }),
  payloadLogRotations: metric({
    name: 'berth_payload_log_rotations_total',
    type: 'counter',
    help: 'Payload log files rotated.',
    labels: [],
  }),
  payloadLogDeletedFiles: metric({
    name: 'berth_payload_log_deleted_files_total',
    type: 'counter',
    help: 'Rotated payload log files deleted to stay under the disk cap.',
    labels: [],
  }),
  payloadLogWriteErrors: metric({
    name: 'berth_payload_log_write_errors_total',
    type: 'counter',
    help: 'Failed payload log writes (queued entries dropped).',
    labels: [],
  }),
  payloadLogSinkEvents: metric({
    name: 'berth_payload_log_sink_events_total',
    type: 'counter',
    help: 'CloudEvents for the payload log sink, by outcome (sent, failed, dropped).',
    labels: ['outcome'],
  }),
} as const;

/**
 * Metrics a Berth process exports that are not its own: prom-client's default process metrics
 * (the Prometheus client conventions'), and `up`, which Prometheus sets for every scrape target.
 */
export const processMetricNames = {
  processCpu: 'process_cpu_seconds_total',
  processMemory: 'process_resident_memory_bytes',
  processStart: 'process_start_time_seconds',
  nodeVersion: 'nodejs_version_info',
  up: 'up',
} as const;

type Names<T> = { [K in keyof T]: T[K] extends { name: infer N } ? N : T[K] };

/** Every name by key: what queries and the dashboard use. */
export const metricNames = {
  ...(Object.fromEntries(Object.entries(berthMetrics).map(([key, spec]) => [key, spec.name])) as Names<
    typeof berthMetrics
  >),
  ...processMetricNames,
};

/** Values of the `method` label of berth_feature_drift and berth_prediction_drift. */
export const driftMethods = ['psi', 'ks_statistic', 'ks_pvalue', 'chi2_pvalue'] as const;
export type DriftMethod = (typeof driftMethods)[number];
/** The method the dashboard and the drift alert watch: the Population Stability Index. */
export const psiMethod: DriftMethod = 'psi';

/**
 * The `route` label values of requests that reach a model (seed /predict and
 * /models/:name/predict, KServe v1 :predict, OIP v2 …/infer): the probes, /metrics and the
 * dashboard's own polling are not traffic. Tested against the server's route table.
 */
export const inferenceRoutePattern = '.*(predict|infer)';
