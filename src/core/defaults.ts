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
    /** A file holding the API key (its first line), so the key need not be in argv or berth.yaml. */
    apiKeyFile: '',
    /**
     * The repository extension's load/unload/index (Triton's explicit model-control mode). Off by
     * default; on, it needs the API key, so no anonymous caller can change what is served.
     */
    modelControl: false,
    /**
     * Seconds between SIGTERM and a forced exit. Kubernetes' default terminationGracePeriodSeconds
     * is 30; Berth drains well within it.
     */
    drainSeconds: 25,
    /**
     * Seconds to keep answering after SIGTERM (with /ready at 503 and `Connection: close` on every
     * reply) before closing the listener. Keep-alive clients keep sending on the connection they
     * have, Service or not (conntrack keeps it); each reply in this window tells them to reconnect,
     * so when idle connections are closed no active client is caught sending on one.
     */
    drainDelaySeconds: 2,
    /** Per-request deadline in milliseconds; past it the caller gets 504. */
    requestTimeoutMs: 30_000,
    /** Requests whose body has arrived and that are being handled; past it, 429 + Retry-After
     * before the next body is read. Bodies still arriving do not count (slow clients). */
    maxInFlight: 4096,
    /**
     * Request bytes held at once: the Content-Length of every request being received or handled
     * (the body limit for one without). Past it, 429 + Retry-After before the body is read, so a
     * flood of large bodies is shed before memory grows. 0 = two bodies of the largest size, or
     * fewer where the container's memory limit holds fewer (core/memory-limit.ts).
     */
    maxBodyBytesInFlight: 0,
    /**
     * Event-loop lag past which new requests are shed (429 + Retry-After) before their body is
     * read: the loop is saturated, and requests are waiting unread in socket buffers, where no
     * in-flight count sees them (a flood's client timeouts). 0 = off.
     */
    maxEventLoopLagMs: 500,
    /**
     * When even the fastest request of the last half second spent longer than this in the server
     * (body arrived → reply done), new requests are shed (429 + Retry-After) until requests get
     * through in time again: a flood that keeps every request waiting (RFC 8289's standing
     * queue), not a burst or one long request. 0 = off.
     */
    maxSojournMs: 500,
    /** Memory a request may take per byte of its body while it is parsed, run and answered, for
     * sizing the body budget from the container's limit: 100,000 iris rows of zeros (0.8 MB)
     * held about 30 MB each until answered (`berth manifests` measures it per model). */
    memoryPerBodyByte: 40,
    /** Share of the container limit left, after the memory in use at start, for bodies. */
    bodyMemoryShare: 0.5,
    /**
     * Pending-connection queue of the listener. Node's default (511) overflows when a client
     * opens ~1000 connections at once; Linux caps it at net.core.somaxconn (4096 here).
     */
    listenBacklog: 4096,
    /** Longer than typical load balancer idle timeouts (AWS ALB 60 s) so they close first. */
    keepAliveTimeoutMs: 65_000,
    /** Slow-client guard: headers and body must arrive within this time. */
    requestReceiveTimeoutMs: 30_000,
    /** How often connections are checked against the receive timeout (Node checks every 30 s by
     * default, so a 30 s timeout held slow clients up to 60 s and more). */
    receiveTimeoutCheckMs: 500,
    /**
     * While requests are being shed, how far V8 may let the heap grow past its live size before
     * the next full GC, in percent; 0 = always V8's own choice, which goes up to 4× under fast
     * allocation. http/heap-growth.ts has the measurements.
     */
    heapGrowthPercent: 30,
    /** Replies smaller than this go uncompressed whatever Accept-Encoding says: the saving would not pay for the work. */
    compressMinBytes: 1024,
  },
  grpc: {
    /** gRPC's own default is 4 MiB, the most common complaint against Triton and KServe. */
    maxMessageBytes: 64 * 1024 * 1024,
  },
  limits: {
    /**
     * Largest JSON request body. Parsed, a body takes 13–24× its size in memory (measured: a
     * 16 MiB body of rows peaked 206 MB above idle, 10 MB of one-value rows 237 MB), so this
     * limit decides what one request can cost. 4 MiB holds 100,000 rows of four features
     * (maxRows); larger tensors travel better over gRPC's raw contents.
     */
    maxBodyBytes: 4 * 1024 * 1024,
    maxRows: 100_000,
    /** Total tensor elements per request, over all inputs. */
    maxValues: 10_000_000,
    /** JSON nesting depth accepted in tensor data and feature rows. */
    maxDepth: 32,
    /** Characters of caller text (names, keys, URLs) repeated in an error message. */
    echoChars: 200,
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
    /** Measured on 2-core machines: a second intra-op thread helps 1000-row requests (about +20%)
     * but not the many small ones Berth is tuned for; see README "onnxruntime session options". */
    intraOpThreads: 1,
    interOpThreads: 1,
    graphOptimization: 'all' as 'disabled' | 'basic' | 'extended' | 'all',
    /** Calls expected to take longer run on the onnxruntime thread (runtime/call-placement.ts):
     * about 3× what the hop there and back costs; see README "The onnxruntime thread". */
    threadAboveMicros: 250,
    /** Larger model files get no main-thread session: the model is held once, and all its calls run
     * on the thread, each paying the hop that a main-thread twin saves short calls (runtime/onnx.ts). */
    inlineModelMaxBytes: 64 * 1024 * 1024,
  },
  /** OpenTelemetry traces (observe/tracing/, docs/tracing.md). */
  tracing: {
    /** Off by default; off, the SDK is never loaded and requests carry no trace. */
    enabled: false,
    /** OTLP/HTTP traces URL: the OTLP exporter's default (a collector beside the server). */
    endpoint: 'http://localhost:4318/v1/traces',
    /** Share of new traces sampled, 0–1; a caller's traceparent decides for its own trace (parent-based). 1 is OTel's default. */
    sampleRatio: 1,
    /** The resource's service.name. */
    serviceName: 'berth',
    /** The SDK's span batching (its own defaults): spans wait at most delayMs; past maxQueue waiting, new ones are dropped. */
    export: { delayMs: 5000, maxQueue: 2048, maxBatch: 512, timeoutMs: 10_000 },
    /** Longer attribute values (a 16 KiB URL path) are cut: the queue's memory stays bounded (about maxQueue × a few KiB). */
    maxAttributeChars: 1024,
  },
  log: {
    level: 'info' as 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent',
    /** One line per request. */
    requests: true,
  },
  /** How log lines reach stdout (observe/log-stream.ts has the measurements). */
  logStream: {
    /** Lines wait at most this long and are written in one piece. */
    gatherMs: 10,
    /** …or are handed over at once past this many characters (a flood's long event-loop turn). */
    handOverChars: 64 * 1024,
    /** Past this many bytes waiting to be written, lines are dropped and counted. */
    maxWaitingBytes: 16 * 1024 * 1024,
  },
  repository: {
    path: './model-repository',
    /** How long `register`/`alias`/`delete` wait for another berth process's lock on a model. */
    lockTimeoutMs: 10_000,
    /** A lock file older than this is taken to be left by a crashed process (kill -9) and broken.
     * Registry critical sections are a read and a rename, far shorter than this. */
    lockStaleMs: 60_000,
    /** Temp folders of a crashed register are removed after this long, or as soon as their process
     * is known to be dead on this host. Long enough for any copy of a large model to finish. */
    staleTempMs: 24 * 60 * 60 * 1000,
    /** Changes seen by fs.watch are batched for this long before one rescan (a register is several events). */
    watchDebounceMs: 100,
    /** Rescan interval when fs.watch is unavailable or misses events (network file systems). */
    watchPollMs: 2_000,
  },
  deploy: {
    /** The image's fixed non-root UID/GID (the Dockerfile's USER); runAsUser/fsGroup must match it. */
    uid: 10001,
    /** Fixed replicas when the HPA is off (`--no-hpa`); the seed runs 3. */
    replicas: 3,
    /** HPA bounds and target (seed: 3–20 at 70 % CPU of the request). */
    minReplicas: 3,
    maxReplicas: 20,
    targetCpuUtilization: 70,
    /** Kubernetes' own default for scale-down; stated so the HPA never flaps after a spike. */
    scaleDownStabilizationSeconds: 300,
    /** The HPA's percentage refers to the request. The limit lets both of a process's compute
     * threads run: the JS thread (HTTP, JSON, short model calls) and the onnxruntime thread (long
     * calls). Under 1000-row requests one iris process used 1.56 cores; a limit of 1 would throttle
     * exactly the calls the thread is there for. */
    cpuRequest: '500m',
    cpuLimit: '2',
    memory: {
      /** limit = measured peak RSS × factor + headroom, rounded up (the OOMKilled gotcha). */
      marginFactor: 1.25,
      headroomMiB: 64,
      roundMiB: 64,
      floorMiB: 128,
      /** Used (with a warning) when the peak RSS was neither measured nor given. */
      assumedPeakRssMiB: 256,
    },
    /** startupProbe budget = load seconds × factor + grace, polled every periodSeconds. */
    startup: { periodSeconds: 2, timeoutSeconds: 2, loadFactor: 3, graceSeconds: 30 },
    /** Assumed load time when it was neither measured nor given. */
    assumedLoadSeconds: 10,
    readiness: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
    /** Looser than readiness in period, timeout and failure window: a busy pod is taken out of
     * rotation long before it is restarted. */
    liveness: { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    /** Seconds the pod keeps serving after it is marked for deletion, while endpoints and load
     * balancers stop routing to it. */
    preStopSeconds: 5,
    /** Slack on top of preStop + drain delay + drain in terminationGracePeriodSeconds. */
    terminationMarginSeconds: 5,
    /** emptyDir for /tmp under a read-only root filesystem. */
    tmpSizeMiB: 64,
    servicePort: 80,
    pdbMaxUnavailable: 1,
    progressDeadlineSeconds: 600,
    revisionHistoryLimit: 10,
    /** `berth deploy` waits this long for the rollout before giving up. */
    rolloutTimeoutSeconds: 300,
    pollIntervalMs: 2_000,
    /** Prometheus Operator scrape interval for the ServiceMonitor. */
    scrapeInterval: '30s',
  },
  package: {
    /**
     * Base image when --base-image/--builder-image are not given: the official Node.js image,
     * Debian bookworm slim, at exactly the Node version running `berth build` (a version tag, never
     * `latest`; pin a digest for reproducible builds, docs/build.md).
     */
    nodeImage: 'docker.io/library/node',
    nodeImageVariant: 'bookworm-slim',
    /** Berth's folder in the image, and node's path in both base images (official and berth-base). */
    appDir: '/app',
    nodePath: '/usr/local/bin/node',
    /** `docker info` must answer within this, or docker counts as absent (a dead socket hangs). */
    engineProbeTimeoutMs: 15_000,
    /** The whole `podman build` / `docker build`. */
    buildTimeoutMs: 30 * 60_000,
    /** `npm ci --omit=dev` of Berth's production dependencies on the host. */
    npmTimeoutMs: 10 * 60_000,
    /** Pruned dependency trees kept in the cache (one per Berth lockfile and platform). */
    dependencyCacheKeep: 3,
    /** Lines of the engine's output repeated in the error when a build fails. */
    failureTailLines: 30,
  },
  plan: {
    /**
     * The default price catalogue: seed 004's cost table ("Source: AWS Pricing Calculator, June
     * 2026"), 720 hours a month. `berth plan --prices prices.yaml` replaces any part of it.
     */
    prices: {
      currency: 'USD',
      source: 'seed 004 (AWS Pricing Calculator, June 2026)',
      hoursPerMonth: 720,
      /** US$0.10 per pod-hour on EKS; `cpu` is the vCPU one pod gets (seed 004's limit, 500m). */
      pod: { hourly: 0.1, cpu: 0.5 },
      controlPlane: { name: 'EKS control plane', monthly: 72 },
      vm: { name: 't3.medium', monthly: 150, vcpu: 2 },
      /** US$/month: the single VM's disk, the cluster's image registry. */
      storage: { vm: 10, cluster: 30 },
    },
    /** Kubernetes HPA (autoscaling/v2) defaults, from kube-controller-manager and the API's
     * defaulting (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/). */
    hpa: {
      /** Seed 004's hpa.yaml: 2–10 pods at 70% CPU. */
      minReplicas: 2,
      maxReplicas: 10,
      targetUtilization: 70,
      /** --horizontal-pod-autoscaler-tolerance */
      tolerance: 0.1,
      /** --horizontal-pod-autoscaler-sync-period */
      syncPeriodSeconds: 15,
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max' as 'Max' | 'Min' | 'Disabled',
        policies: [{ type: 'Percent' as 'Pods' | 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods' as 'Pods' | 'Percent', value: 4, periodSeconds: 15 }],
      },
      scaleDown: {
        /** --horizontal-pod-autoscaler-downscale-stabilization */
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max' as 'Max' | 'Min' | 'Disabled',
        policies: [{ type: 'Percent' as 'Pods' | 'Percent', value: 100, periodSeconds: 15 }],
      },
      /** Seconds from a scale-up until a new pod is ready and takes traffic (schedule, start,
       * load the model, pass the readiness probe). */
      startupSeconds: 30,
      /** CPU utilisation a saturated pod reports (% of its request): per-pod capacity = 100%. */
      maxUtilization: 100,
    },
    simulation: {
      /** 1 s steps: start-up delays and 15 s syncs land on exact seconds. */
      stepSeconds: 1,
      /** Length simulated for patterns without a natural end (a day). */
      durationSeconds: 86_400,
      /** Points per series in plan.svg (one a minute over a day). */
      chartPoints: 1440,
    },
    recommend: {
      /** Target utilisations tried, in %. */
      targets: [40, 50, 60, 70, 80, 90],
      /** Two pods at least, so one can be drained or lost without an outage (and a PDB can hold). */
      minReplicasFloor: 2,
      allowedMinutesAtRisk: 0,
    },
    bench: {
      path: '/predict',
      connections: 16,
      durationSeconds: 10,
      timeoutSeconds: 10,
      /** Fixed-rate runs are split into this many staggered autocannon instances so the per-second
       * bursts of its rate limiter are spread over the second (see docs/plan.md). */
      rateSlices: 10,
      serverReadyTimeoutMs: 60_000,
      capacity: {
        sloP99Ms: 50,
        /** Closed-loop probe that finds the ceiling the search starts under. */
        probeSeconds: 3,
        stepSeconds: 5,
        /** Binary-search steps: the answer is within ceiling / 2^iterations. */
        iterations: 7,
        /** A step fails when fewer than this share of the offered requests completed. */
        minAchievedRatio: 0.95,
        maxConnections: 512,
      },
    },
  },
  monitoring: {
    /** Drift, live accuracy and payload logging for every served model (berth.yaml `monitoring:`). */
    enabled: true,
    /** File-served models: reference CSV profiled at load (relative to berth.yaml); '' = none. */
    reference: '',
    drift: {
      /** Quantile buckets per numeric feature for PSI (deciles of the reference). */
      bins: 10,
      /** Reference values kept per numeric feature for the KS test (a deterministic subsample). */
      referenceSampleSize: 5_000,
      sampleSeed: 42,
      /** A numeric column with at most this many distinct integer values is profiled as categorical. */
      categoricalMaxDistinct: 10,
      /** Categories kept per categorical feature; the rarer ones are counted together as `__other__`. */
      maxCategories: 100,
      /** The live window: the most recent rows, and none older than windowSeconds. */
      windowRows: 10_000,
      windowSeconds: 3_600,
      /** Fewer non-missing live values than this: scores are reported but never flagged. */
      minSamples: 100,
      /** PSI's stand-in for an empty bucket (Evidently's value, so the numbers compare). */
      psiEpsilon: 1e-4,
      /** PSI > 0.2 is the usual "significant shift" rule of thumb (0.1–0.2 moderate). */
      psiThreshold: 0.2,
      ksPValueThreshold: 0.01,
      /**
       * KS flags only when p < ksPValueThreshold AND the statistic exceeds this: with thousands of
       * rows the p-value alone flags shifts too small to matter (D = 0.1 ≈ a 0.25 sd mean shift).
       */
      ksStatisticThreshold: 0.1,
      chi2PValueThreshold: 0.01,
      /** How often the server recomputes the report, off the request path. */
      reportIntervalSeconds: 30,
      /** GET …/drift reuses a report younger than this. */
      reportCacheSeconds: 2,
      /** Features scored per event-loop turn (~2 ms each on a full window), so a wide model's report never blocks requests for long. */
      reportChunkFeatures: 4,
    },
    feedback: {
      /**
       * Predicted rows remembered for feedback by request id (least recently recorded forgotten
       * first). Each costs ~400 bytes of heap, and a busy server fills the store within seconds:
       * 100 000 held ~40 MB of heap (~70 MB RSS) under load, which a pod's memory limit, measured
       * at idle, does not foresee. Raise it for slow traffic with late labels.
       */
      maxPending: 10_000,
      windowRows: 10_000,
      /** Labels often arrive late: live accuracy looks back further than drift does. */
      windowSeconds: 86_400,
    },
    payloadLog: {
      enabled: false,
      /** Share of requests logged, 0–1. */
      sampleRate: 1,
      dir: './payload-logs',
      maxFileBytes: 10 * 1024 * 1024,
      /** Active plus rotated files; the oldest rotated files are deleted to stay under it. */
      maxTotalBytes: 100 * 1024 * 1024,
      /** Serialized entries waiting for the disk; past it new entries are dropped and counted. */
      maxQueueBytes: 8 * 1024 * 1024,
      /** CloudEvents sink; empty = none. */
      sinkUrl: '',
      sinkMode: 'binary' as 'binary' | 'structured',
      sinkEventTypes: 'kserve' as 'kserve' | 'berth',
      sinkTimeoutMs: 2_000,
      sinkMaxInFlight: 4,
      /** Entries waiting for a free connection to the sink; past it they are dropped. */
      sinkMaxPending: 100,
      /** After a failed post, drop (and count) for this long instead of piling up timeouts. */
      sinkBackoffMs: 1_000,
    },
    /** The PrometheusRule `berth manifests --monitoring` writes (and the Grafana panels' threshold lines). */
    alerts: {
      /** PromQL range of the rate() windows in the alert expressions. */
      rateWindow: '5m',
      /** Share of inference requests answered 5xx (Berth's own faults; 4xx are the caller's). */
      errorRatio: 0.05,
      errorFor: '5m',
      /** p99 latency SLO; the same 50 ms `berth plan` sizes capacity for (plan.bench.capacity.sloP99Ms). */
      sloP99Ms: 50,
      latencyFor: '10m',
      /** berth_model_ready == 0, or the scrape target down (up == 0), for this long. */
      notReadyFor: '5m',
      /** Drift is a slow signal: a feature over monitoring.drift.psiThreshold for this long. */
      driftFor: '15m',
      /** Live accuracy (from feedback) below this, for this long. */
      minAccuracy: 0.8,
      accuracyFor: '30m',
      /** Feedback outcomes in the window before accuracy can alert: 3 of 4 right is noise, not a drop. */
      minFeedbackSamples: 50,
    },
  },
  /** `berth import` (src/import): conversion of a trained model to ONNX and its parity proof. */
  import: {
    /**
     * An element of a probability or value agrees when |served − original| ≤ abs + rel·|original|.
     * A float32 model's probabilities are off by ~1e-7 and a forest's regression values by ~1e-6
     * relative; a conversion that lost something (float32 inputs to a model that needs doubles,
     * a wrong option) is off by far more.
     */
    tolerance: { abs: 1e-5, rel: 1e-4, agreement: 1 },
    /** Rows drawn from the model's training statistics when no --sample is given. */
    generatedRows: 200,
    /** Share of generated values left missing in features the model accepts missing (NaN). */
    missingShare: 0.05,
    seed: 42,
    /** Sample rows checked (and profiled for drift: the whole file is); the rest are counted. */
    maxSampleRows: 10_000,
    /** Worst rows named in the report for each output. */
    worstRows: 5,
    /** The Python helper (load, convert, predict) may take this long; a large forest's conversion is the slow part. */
    helperTimeoutMs: 10 * 60_000,
  },
  /** The dashboard page at GET / (src/http/dashboard): how often it polls and how much it shows. */
  dashboard: {
    /** /metrics is polled this often; rates and quantiles come from the deltas. */
    metricsPollMs: 2_000,
    /** The drift report (with live accuracy) and the model list change slowly. */
    driftPollMs: 5_000,
    modelsPollMs: 15_000,
    /** Seconds of history the charts keep. */
    historySeconds: 300,
    /** Rates and quantiles span this many seconds of scrapes, like PromQL's rate(x[10s]). */
    rateWindowSeconds: 10,
  },
} as const;

export type Defaults = typeof defaults;
