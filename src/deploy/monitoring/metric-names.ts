/**
 * The Berth metrics the generated dashboard and alerts query. The names are defined by
 * src/observe/metrics.ts (which this area may not import); test/deploy/monitoring checks that
 * every name here, and every metric any generated expression mentions, exists in that registry
 * or among prom-client's default process metrics.
 */
export const metricNames = {
  httpRequests: 'berth_http_requests_total',
  httpDuration: 'berth_http_request_duration_seconds',
  inferenceDuration: 'berth_inference_duration_seconds',
  inferenceRows: 'berth_inference_rows_total',
  inferenceErrors: 'berth_inference_errors_total',
  modelReady: 'berth_model_ready',
  batchSize: 'berth_batch_size',
  queueDuration: 'berth_queue_duration_seconds',
  queueDepth: 'berth_queue_depth',
  shed: 'berth_requests_shed_total',
  inFlight: 'berth_http_requests_in_flight',
  featureDrift: 'berth_feature_drift',
  predictionDrift: 'berth_prediction_drift',
  liveAccuracy: 'berth_live_accuracy',
  liveMae: 'berth_live_mae',
  liveRmse: 'berth_live_rmse',
  feedbackSamples: 'berth_feedback_samples',
  /** prom-client's collectDefaultMetrics (the Prometheus client conventions' process metrics). */
  processCpu: 'process_cpu_seconds_total',
  processMemory: 'process_resident_memory_bytes',
  /** Set by Prometheus itself for every scrape target. */
  up: 'up',
} as const;

/** `method` label of berth_feature_drift that carries the Population Stability Index. */
export const psiMethod = 'psi';

/**
 * The `route` label values of requests that reach a model (seed /predict and
 * /models/:name/predict, KServe v1 :predict, OIP v2 …/infer): the probes, /metrics and the
 * dashboard's own polling are not traffic. Tested against the server's route table.
 */
export const inferenceRoutePattern = '.*(predict|infer)';
