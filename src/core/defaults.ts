/**
 * Every default Berth uses, in one visible object. Nothing else in the code base hard-codes a
 * tunable number: read it from a resolved config whose values start here.
 * `settings.ts` says which flag and environment variable can override each one.
 */
export const defaults = {
  server: {
    /** Listen on every interface: in a container the probes come from outside. */
    host: '0.0.0.0',
    port: 8000,
    /** OIP v2 gRPC port; 0 turns gRPC off. */
    grpcPort: 8001,
    /** Server processes sharing the port; 'auto' = one per core. */
    workers: 1 as number | 'auto',
    /** Bearer token required on every route but probes and /metrics; empty = no auth. */
    apiKey: '',
    /**
     * Seconds between SIGTERM and a forced exit. Kubernetes' default terminationGracePeriodSeconds
     * is 30; Berth drains well within it.
     */
    drainSeconds: 25,
    /** Seconds to keep answering (with /ready at 503) before closing the listener, so endpoints
     * controllers and load balancers stop routing here first (the preStop gotcha). */
    drainDelaySeconds: 0,
    /** Per-request deadline in milliseconds; past it the caller gets 504. */
    requestTimeoutMs: 30_000,
    /** Longer than typical load balancer idle timeouts (AWS ALB 60 s) so they close first. */
    keepAliveTimeoutMs: 65_000,
    /** Slow-client guard: headers and body must arrive within this time. */
    requestReceiveTimeoutMs: 30_000,
  },
  grpc: {
    /** gRPC's own default is 4 MiB, the most common complaint against Triton and KServe. */
    maxMessageBytes: 64 * 1024 * 1024,
  },
  limits: {
    maxBodyBytes: 16 * 1024 * 1024,
    maxRows: 100_000,
    /** Total tensor elements per request, over all inputs. */
    maxValues: 10_000_000,
    /** JSON nesting depth accepted in tensor data and feature rows. */
    maxDepth: 32,
  },
  batching: {
    enabled: true,
    maxBatchSize: 256,
    /** 0 = opportunistic: whatever queued while the previous call ran goes next. */
    maxQueueDelayMicros: 0,
    /** Requests waiting per model before new ones are shed with 503 + Retry-After. */
    maxQueue: 2048,
  },
  onnx: {
    /** Measured on 2-core machines: one intra-op thread per session leaves the other core to
     * HTTP; see README "Session options". */
    intraOpThreads: 1,
    interOpThreads: 1,
    graphOptimization: 'all' as 'disabled' | 'basic' | 'extended' | 'all',
  },
  log: {
    level: 'info' as 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent',
    /** One line per request. */
    requests: true,
  },
  repository: {
    path: './model-repository',
  },
} as const;

export type Defaults = typeof defaults;
