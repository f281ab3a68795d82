import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric Berth exports: names, labels and buckets are defined here and nowhere
 * else. One registry per server, so tests and workers never share hidden global state.
 */
const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const batchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

export function createMetrics(options: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({ name: 'berth_http_requests_total', help: 'HTTP requests answered, by route, model and status code.', labelNames: ['route', 'model', 'status'] as const, registers }),
    httpDuration: new Histogram({ name: 'berth_http_request_duration_seconds', help: 'Time from request received to response sent.', labelNames: ['route', 'model'] as const, buckets: latencyBuckets, registers }),
    inFlight: new Gauge({ name: 'berth_http_requests_in_flight', help: 'HTTP requests being handled.', registers }),
    inferenceDuration: new Histogram({ name: 'berth_inference_duration_seconds', help: 'Time in the data plane per inference request (queueing + model).', labelNames: ['model', 'version'] as const, buckets: latencyBuckets, registers }),
    inferenceRows: new Counter({ name: 'berth_inference_rows_total', help: 'Rows predicted.', labelNames: ['model', 'version'] as const, registers }),
    inferenceErrors: new Counter({ name: 'berth_inference_errors_total', help: 'Inference requests that failed, by error code.', labelNames: ['model', 'version', 'code'] as const, registers }),
    modelLoadSeconds: new Gauge({ name: 'berth_model_load_seconds', help: 'Seconds the model version took to load.', labelNames: ['model', 'version'] as const, registers, aggregator: 'max' }),
    // Across workers a model is ready only where every worker has it (min).
    modelReady: new Gauge({ name: 'berth_model_ready', help: '1 when the model version is loaded and serving.', labelNames: ['model', 'version'] as const, registers, aggregator: 'min' }),
    batchSize: new Histogram({ name: 'berth_batch_size', help: 'Rows per model call after adaptive batching.', labelNames: ['model'] as const, buckets: batchBuckets, registers }),
    batchRequests: new Histogram({ name: 'berth_batch_requests', help: 'Requests merged into one model call.', labelNames: ['model'] as const, buckets: batchBuckets, registers }),
    queueDuration: new Histogram({ name: 'berth_queue_duration_seconds', help: 'Time a request waited in the batch queue.', labelNames: ['model'] as const, buckets: latencyBuckets, registers }),
    queueDepth: new Gauge({ name: 'berth_queue_depth', help: 'Requests waiting in the batch queue.', labelNames: ['model'] as const, registers }),
    shadowComparisons: new Counter({ name: 'berth_shadow_comparisons_total', help: 'Shadow requests compared with the primary answer, by agreement (true/false/error).', labelNames: ['model', 'version', 'shadow_version', 'agreed'] as const, registers }),
    shed: new Counter({ name: 'berth_requests_shed_total', help: 'Requests refused with 503/504 because of overload or deadline.', labelNames: ['model', 'reason'] as const, registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
