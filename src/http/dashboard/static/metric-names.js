// @ts-check
// Generated from src/core/metric-names.ts by `npm run generate`; do not edit.

/** Berth's metric names (and the process metrics it reads), by key. */
export const metricNames = /** @type {const} */ ({
  httpRequests: 'berth_http_requests_total',
  httpDuration: 'berth_http_request_duration_seconds',
  inFlight: 'berth_http_requests_in_flight',
  inferenceDuration: 'berth_inference_duration_seconds',
  inferenceRows: 'berth_inference_rows_total',
  inferenceErrors: 'berth_inference_errors_total',
  modelLoadSeconds: 'berth_model_load_seconds',
  modelReady: 'berth_model_ready',
  modelCallDuration: 'berth_model_call_duration_seconds',
  batchSize: 'berth_batch_size',
  batchRequests: 'berth_batch_requests',
  queueDuration: 'berth_queue_duration_seconds',
  queueDepth: 'berth_queue_depth',
  shadowComparisons: 'berth_shadow_comparisons_total',
  logLinesDropped: 'berth_log_lines_dropped_total',
  shed: 'berth_requests_shed_total',
  featureDrift: 'berth_feature_drift',
  featureDrifted: 'berth_feature_drifted',
  predictionDrift: 'berth_prediction_drift',
  modelDrifted: 'berth_model_drifted',
  driftWindowRows: 'berth_drift_window_rows',
  liveAccuracy: 'berth_live_accuracy',
  liveMae: 'berth_live_mae',
  liveRmse: 'berth_live_rmse',
  feedbackSamples: 'berth_feedback_samples',
  feedback: 'berth_feedback_total',
  payloadLogEntries: 'berth_payload_log_entries_total',
  payloadLogBytes: 'berth_payload_log_bytes_total',
  payloadLogRotations: 'berth_payload_log_rotations_total',
  payloadLogDeletedFiles: 'berth_payload_log_deleted_files_total',
  payloadLogWriteErrors: 'berth_payload_log_write_errors_total',
  payloadLogSinkEvents: 'berth_payload_log_sink_events_total',
  processCpu: 'process_cpu_seconds_total',
  processMemory: 'process_resident_memory_bytes',
  processStart: 'process_start_time_seconds',
  nodeVersion: 'nodejs_version_info',
  up: 'up'
});

/** Requests that reach a model: the same pattern as the generated Grafana dashboard and alerts (anchored, as PromQL's). */
export const inferenceRoute = /^(?:.*(predict|infer))$/;
