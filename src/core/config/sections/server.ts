import { ConfigProblem, boolean, choice, custom, integer, number, section, text } from '../field.js';

/** `--workers`: a number of processes, or `auto` for one per core. */
const workers = custom<number | 'auto'>(1, {
  doc: 'server processes sharing the port: a number or "auto" (one per core)',
  flag: '--workers',
  placeholder: 'n|auto',
  type: 'integer ≥ 1 or "auto"',
  jsonSchema: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'auto' }] },
  read: (raw) => {
    if (raw === 'auto') return 'auto';
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 1)
      throw new ConfigProblem(`expected a positive integer or "auto", got ${JSON.stringify(raw)}`);
    return value;
  },
});

export const server = section(
  'The HTTP server: where it listens, who may call it, how it sheds load and drains.',
  {
    /** Listen on every interface: in a container the probes come from outside. */
    host: text('0.0.0.0', { doc: 'address to listen on', flag: '--host', placeholder: 'address' }),
    port: integer(8000, { doc: 'HTTP port', flag: '--port', max: 65535 }),
    grpcPort: integer(8001, { doc: 'OIP v2 gRPC port (0 = off)', flag: '--grpc-port', max: 65535 }),
    workers,
    apiKey: text('', {
      doc: 'require "Authorization: Bearer <key>" on every route but probes and /metrics',
      flag: '--api-key',
      placeholder: 'key',
      secret: true,
    }),
    /** A file holding the API key (its first line), so the key need not be in argv or berth.yaml. */
    apiKeyFile: text('', {
      doc: 'file whose first line is the API key (keeps the key out of the process list)',
      flag: '--api-key-file',
      placeholder: 'file',
    }),
    /**
     * The repository extension's load/unload/index (Triton's explicit model-control mode). Off by
     * default; on, it needs the API key, so no anonymous caller can change what is served.
     */
    modelControl: boolean(false, {
      doc: 'allow POST /v2/repository/index and models/{name}/load|unload (needs the API key)',
      flag: '--model-control',
    }),
    /**
     * Seconds between SIGTERM and a forced exit. Kubernetes' default terminationGracePeriodSeconds
     * is 30; Berth drains well within it.
     */
    drainSeconds: number(25, { doc: 'grace period after SIGTERM before a forced exit', flag: '--drain-seconds' }),
    /**
     * Seconds to keep answering after SIGTERM (with /ready at 503 and `Connection: close` on every
     * reply) before closing the listener. Keep-alive clients keep sending on the connection they
     * have, Service or not (conntrack keeps it); each reply in this window tells them to reconnect,
     * so when idle connections are closed no active client is caught sending on one.
     */
    drainDelaySeconds: number(2, {
      doc: 'keep serving (with /ready 503 and Connection: close) this long after SIGTERM before closing the listener',
      flag: '--drain-delay-seconds',
    }),
    requestTimeoutMs: integer(30_000, {
      doc: 'per-request deadline; past it the reply is 504',
      flag: '--request-timeout-ms',
    }),
    /** Requests whose body has arrived and that are being handled. Bodies still arriving do not count (slow clients). */
    maxInFlight: integer(4096, {
      doc: 'requests handled at once (bodies received); past it, 429 + Retry-After before the next body is read',
      flag: '--max-in-flight',
    }),
    /**
     * Request bytes held at once: the Content-Length of every request being received or handled
     * (the body limit for one without). Past it, 429 + Retry-After before the body is read, so a
     * flood of large bodies is shed before memory grows. 0 = two bodies of the largest size, or
     * fewer where the container's memory limit holds fewer (core/memory-limit.ts).
     */
    maxBodyBytesInFlight: integer(0, {
      doc: 'request body bytes held at once; past it, 429 + Retry-After (0 = from the container memory limit)',
      flag: '--max-body-bytes-in-flight',
    }),
    /**
     * Event-loop turn length the server keeps to by handling fewer requests at once
     * (serving/admission.ts). Each connection waits turns before it is accepted, a kubelet probe
     * too: 100 ms keeps ten connections ahead of a probe within its default 1 s timeout.
     */
    maxEventLoopLagMs: integer(100, {
      doc: 'event-loop lag past which fewer requests are handled at once, the rest getting 429 + Retry-After (0 = off)',
      flag: '--max-event-loop-lag-ms',
    }),
    /**
     * When even the fastest request of the last half second spent longer than this in the server
     * (body arrived → reply done), new requests are shed until requests get through in time again:
     * a flood that keeps every request waiting (RFC 8289's standing queue), not a burst or one long
     * request. So are they while the oldest request waiting for a loop slice has waited this long.
     */
    maxSojournMs: integer(500, {
      doc: 'when even the fastest recent request spent longer than this in the server, or one waited this long for a loop slice, new ones get 429 + Retry-After (0 = off)',
      flag: '--max-sojourn-ms',
    }),
    /**
     * The event loop's time per slice for admitted requests' body parsing and answer encoding
     * (serving/loop-slices.ts). Node accepts one connection per loop turn: a turn of one slice and
     * a poll phase accepts hundreds of new connections a second under a flood.
     */
    loopSliceMicros: integer(1000, {
      doc: "event-loop time per slice for requests' parsing and encoding, so new connections are accepted between slices (0 = no slices)",
      flag: '--loop-slice-micros',
    }),
    /** Outside a container (a VM, systemd) the limit to size the budgets from, which a container's cgroup gives otherwise. */
    memoryLimitBytes: integer(0, {
      doc: "memory the process may use, for sizing its body and gRPC budgets (0 = the container's cgroup limit, if any)",
      flag: '--memory-limit-bytes',
    }),
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
    keepAliveTimeoutMs: integer(65_000, { doc: 'idle keep-alive connection timeout', flag: '--keep-alive-timeout-ms' }),
    requestReceiveTimeoutMs: integer(30_000, {
      doc: 'time a client has to send a whole request (slow-client guard)',
      flag: '--receive-timeout-ms',
    }),
    /** How often connections are checked against the receive timeout (Node checks every 30 s by
     * default, so a 30 s timeout held slow clients up to 60 s and more). */
    receiveTimeoutCheckMs: 500,
    /**
     * While requests are being shed, how far V8 may let the heap grow past its live size before
     * the next full GC; 0 = always V8's own choice, which goes up to 4× under fast allocation.
     * http/heap-growth.ts has the measurements.
     */
    heapGrowthPercent: integer(30, {
      doc: "while shedding load, heap growth past the live size before a full GC, percent (0 = V8's own, up to 4×)",
      flag: '--heap-growth-percent',
    }),
    /** Replies smaller than this go uncompressed whatever Accept-Encoding says: the saving would not pay for the work. */
    compressMinBytes: 1024,
  },
  { environment: true },
);

export const grpc = section(
  'The OIP v2 gRPC server (its port is server.grpcPort).',
  {
    /** gRPC's own default is 4 MiB, the most common complaint against Triton and KServe. */
    maxMessageBytes: integer(64 * 1024 * 1024, {
      doc: 'largest gRPC message accepted and sent',
      flag: '--grpc-max-message-bytes',
    }),
    /**
     * Message bytes being received at once. gRPC sends no length ahead of a message, so each call
     * being received counts as the largest message; past the budget a call waits unread (its HTTP/2
     * stream paused). 0 = two of the largest message, or fewer, and a smaller largest message, where
     * the container's memory limit holds fewer (core/memory-limit.ts).
     */
    receiveBytesInFlight: integer(0, {
      doc: 'gRPC message bytes received at once; past it a call waits, unread (0 = from the container memory limit)',
      flag: '--grpc-receive-bytes-in-flight',
    }),
    /**
     * Memory a message takes per byte while it is received and decoded, for sizing the receive
     * budget from the container's limit: one 60 MiB message of FP32 rows peaked 128 MB above idle,
     * two of 20 MiB 108 MB.
     */
    memoryPerMessageByte: 3,
  },
  { environment: true },
);

export const limits = section(
  'What one request may hold; past a limit the reply is 413 naming it.',
  {
    /**
     * Parsed, a JSON body takes 13–24× its size in memory (measured: a 16 MiB body of rows peaked
     * 206 MB above idle, 10 MB of one-value rows 237 MB), so this limit decides what one request
     * can cost. 4 MiB holds 100,000 rows of four features (maxRows); larger tensors travel better
     * over gRPC's raw contents.
     */
    maxBodyBytes: integer(4 * 1024 * 1024, { doc: 'largest request body (413 beyond)', flag: '--max-body-bytes' }),
    maxRows: integer(100_000, { doc: 'most rows per request (413 beyond)', flag: '--max-rows' }),
    maxValues: integer(10_000_000, {
      doc: 'most tensor values per request, over all inputs (413 beyond)',
      flag: '--max-values',
    }),
    maxDepth: integer(32, {
      doc: 'deepest JSON nesting accepted in tensor data and feature rows',
      flag: '--max-depth',
    }),
    /** Characters of caller text (names, keys, URLs) repeated in an error message. */
    echoChars: 200,
  },
  { environment: true },
);

/** Also the per-model override `model.batching` (./model.ts). */
export const batching = section(
  'Adaptive batching: concurrent requests to a model stacked into one model call.',
  {
    enabled: boolean(true, { doc: 'stack concurrent requests into one model call', flag: '--batching' }),
    maxBatchSize: integer(256, { doc: 'most rows in one batched model call', flag: '--max-batch-size', min: 1 }),
    maxQueueDelayMicros: integer(0, {
      doc: 'longest a request waits for batch neighbours (0 = opportunistic: whatever queued while the previous call ran goes next)',
      flag: '--max-queue-delay-us',
    }),
    maxQueue: integer(2048, {
      doc: 'requests waiting per model before new ones get 503 + Retry-After',
      flag: '--max-queue',
    }),
  },
  { environment: true },
);

export const onnx = section(
  'onnxruntime sessions.',
  {
    /** Measured on 2-core machines: a second intra-op thread helps 1000-row requests (about +20%)
     * but not the many small ones Berth is tuned for; see README "onnxruntime session options". */
    intraOpThreads: integer(1, { doc: 'onnxruntime intra-op threads per session', flag: '--intra-op-threads' }),
    interOpThreads: integer(1, { doc: 'onnxruntime inter-op threads per session', flag: '--inter-op-threads' }),
    graphOptimization: choice('all', ['disabled', 'basic', 'extended', 'all'], {
      doc: 'onnxruntime graph optimisation level',
      flag: '--graph-optimization',
    }),
    /** About 3× what the hop to the onnxruntime thread and back costs (runtime/call-placement.ts);
     * see README "The onnxruntime thread". */
    threadAboveMicros: integer(250, {
      doc: 'model calls expected to take longer run on the onnxruntime thread, off the event loop (0 = every call)',
      flag: '--ort-thread-above-us',
    }),
    /** Larger model files get no main-thread session: the model is held once, and all its calls run
     * on the thread, each paying the hop that a main-thread twin saves short calls (runtime/onnx.ts). */
    inlineModelMaxBytes: 64 * 1024 * 1024,
  },
  { environment: true },
);

export const log = section(
  'Logging (JSON lines on stdout).',
  {
    level: choice('info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      doc: 'log level',
      flag: '--log-level',
    }),
    requests: boolean(true, { doc: 'log one line per request', flag: '--log-requests' }),
  },
  { environment: true },
);

/** How log lines reach stdout (observe/log-stream.ts has the measurements). */
export const logStream = section('How log lines reach stdout.', {
  /** Lines wait at most this long and are written in one piece. */
  gatherMs: 10,
  /** …or are handed over at once past this many characters (a flood's long event-loop turn). */
  handOverChars: 64 * 1024,
  /** Past this many bytes waiting to be written, lines are dropped and counted. */
  maxWaitingBytes: 16 * 1024 * 1024,
});

export const repository = section(
  'The model repository (berth models …, berth serve without a model, NAME@ALIAS references).',
  {
    path: text('./model-repository', { doc: 'model repository folder', flag: '--repository', placeholder: 'path' }),
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
  { environment: true },
);
