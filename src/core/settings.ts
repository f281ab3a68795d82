import { defaults } from './defaults.js';

export type SettingType = 'int' | 'number' | 'string' | 'boolean' | 'workers' | 'enum';

/**
 * One server setting: where it lives in berth.yaml, its flag, its environment variable.
 * Precedence, highest first: flag, environment variable, berth.yaml, `defaults`.
 */
export interface SettingSpec {
  /** Dotted path in berth.yaml and in the resolved config, e.g. `server.port`. */
  key: string;
  flag: string;
  env: string;
  type: SettingType;
  choices?: readonly string[];
  doc: string;
  /** Never printed or logged. */
  secret?: boolean;
}

const s = (key: string, flag: string, type: SettingType, doc: string, extra: Partial<SettingSpec> = {}): SettingSpec => ({
  key,
  flag,
  // The variable is named after the flag: --max-body-bytes → BERTH_MAX_BODY_BYTES.
  env: `BERTH_${flag.slice(2).replace(/-/g, '_').toUpperCase()}`,
  type,
  doc,
  ...extra,
});

/** The settings table; CLI help and the README's table are generated from it. */
export const settingSpecs: readonly SettingSpec[] = [
  s('server.host', '--host', 'string', 'address to listen on'),
  s('server.port', '--port', 'int', 'HTTP port'),
  s('server.grpcPort', '--grpc-port', 'int', 'OIP v2 gRPC port (0 = off)'),
  s('server.workers', '--workers', 'workers', 'server processes sharing the port: a number or "auto" (one per core)'),
  s('server.apiKey', '--api-key', 'string', 'require "Authorization: Bearer <key>" on every route but probes and /metrics', { secret: true }),
  s('server.apiKeyFile', '--api-key-file', 'string', 'file whose first line is the API key (keeps the key out of the process list)'),
  s('server.modelControl', '--model-control', 'boolean', 'allow POST /v2/repository/index and models/{name}/load|unload (needs the API key)'),
  s('server.drainSeconds', '--drain-seconds', 'number', 'grace period after SIGTERM before a forced exit'),
  s('server.drainDelaySeconds', '--drain-delay-seconds', 'number', 'keep serving (with /ready 503 and Connection: close) this long after SIGTERM before closing the listener'),
  s('server.requestTimeoutMs', '--request-timeout-ms', 'int', 'per-request deadline; past it the reply is 504'),
  s('server.maxInFlight', '--max-in-flight', 'int', 'requests handled at once (bodies received); past it, 429 + Retry-After before the next body is read'),
  s('server.maxBodyBytesInFlight', '--max-body-bytes-in-flight', 'int', 'request body bytes held at once; past it, 429 + Retry-After (0 = from the container memory limit)'),
  s('server.maxSojournMs', '--max-sojourn-ms', 'int', 'when even the fastest recent request spent longer than this in the server, new ones get 429 + Retry-After (0 = off)'),
  s('server.maxEventLoopLagMs', '--max-event-loop-lag-ms', 'int', 'event-loop lag past which new requests get 429 + Retry-After (0 = off)'),
  s('server.keepAliveTimeoutMs', '--keep-alive-timeout-ms', 'int', 'idle keep-alive connection timeout'),
  s('server.requestReceiveTimeoutMs', '--receive-timeout-ms', 'int', 'time a client has to send a whole request (slow-client guard)'),
  s('server.heapGrowthPercent', '--heap-growth-percent', 'int', 'while shedding load, heap growth past the live size before a full GC, percent (0 = V8\'s own, up to 4×)'),
  s('grpc.maxMessageBytes', '--grpc-max-message-bytes', 'int', 'largest gRPC message accepted and sent'),
  s('limits.maxBodyBytes', '--max-body-bytes', 'int', 'largest request body (413 beyond)'),
  s('limits.maxRows', '--max-rows', 'int', 'most rows per request (413 beyond)'),
  s('limits.maxValues', '--max-values', 'int', 'most tensor values per request (413 beyond)'),
  s('limits.maxDepth', '--max-depth', 'int', 'deepest JSON nesting accepted in tensor data'),
  s('batching.enabled', '--batching', 'boolean', 'stack concurrent requests into one model call'),
  s('batching.maxBatchSize', '--max-batch-size', 'int', 'most rows in one batched model call'),
  s('batching.maxQueueDelayMicros', '--max-queue-delay-us', 'int', 'longest a request waits for batch neighbours (0 = opportunistic)'),
  s('batching.maxQueue', '--max-queue', 'int', 'requests waiting per model before new ones get 503 + Retry-After'),
  s('onnx.intraOpThreads', '--intra-op-threads', 'int', 'onnxruntime intra-op threads per session'),
  s('onnx.interOpThreads', '--inter-op-threads', 'int', 'onnxruntime inter-op threads per session'),
  s('onnx.graphOptimization', '--graph-optimization', 'enum', 'onnxruntime graph optimisation level', { choices: ['disabled', 'basic', 'extended', 'all'] }),
  s('onnx.threadAboveMicros', '--ort-thread-above-us', 'int', 'model calls expected to take longer run on the onnxruntime thread, off the event loop (0 = every call)'),
  s('tracing.enabled', '--tracing', 'boolean', 'export OpenTelemetry traces over OTLP/HTTP (docs/tracing.md)'),
  s('tracing.endpoint', '--otlp-endpoint', 'string', 'OTLP/HTTP traces URL', { env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' }),
  s('tracing.sampleRatio', '--trace-sample-ratio', 'number', 'share of new traces sampled, 0 to 1; a caller\'s traceparent decides for its own', { env: 'OTEL_TRACES_SAMPLER_ARG' }),
  s('tracing.serviceName', '--trace-service-name', 'string', 'service.name of the spans', { env: 'OTEL_SERVICE_NAME' }),
  s('log.level', '--log-level', 'enum', 'log level', { choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }),
  s('log.requests', '--log-requests', 'boolean', 'log one line per request'),
  s('repository.path', '--repository', 'string', 'model repository folder'),
];

/** Reads a dotted path out of a nested object. */
export function getPath(object: unknown, key: string): unknown {
  let node: unknown = object;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export function defaultOf(spec: SettingSpec): unknown {
  return getPath(defaults, spec.key);
}
