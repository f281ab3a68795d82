import { boolean, choice, integer, number, path, section, text, url } from '../field.js';

/** The p99 latency objective: what `berth bench --find-capacity` sizes a pod for and what the latency alert fires on. */
export const sloP99Ms = 50;

const drift = section('Drift of the live inputs and predictions from the reference profile.', {
  /** Quantile buckets per numeric feature for PSI (deciles of the reference). */
  bins: integer(10, { doc: 'quantile buckets per numeric feature for PSI', min: 2 }),
  /** A deterministic subsample. */
  referenceSampleSize: integer(5_000, { doc: 'reference values kept per numeric feature for the KS test', min: 1 }),
  sampleSeed: 42,
  categoricalMaxDistinct: integer(10, {
    doc: 'a numeric column with at most this many distinct integer values is profiled as categorical',
  }),
  /** The rarer ones are counted together as `__other__`. */
  maxCategories: integer(100, { doc: 'categories kept per categorical feature', min: 1 }),
  windowRows: integer(10_000, { doc: 'the live window: at most this many recent rows…', min: 1 }),
  windowSeconds: number(3_600, { doc: '…and none older than this', above: 0 }),
  minSamples: integer(100, { doc: 'fewer non-missing live values than this: scores are reported but never flagged' }),
  /** Evidently's value, so the numbers compare. */
  psiEpsilon: number(1e-4, { doc: "PSI's stand-in for an empty bucket", above: 0, below: 1 }),
  /** PSI > 0.2 is the usual "significant shift" rule of thumb (0.1–0.2 moderate). */
  psiThreshold: number(0.2, { doc: 'a feature drifted when its PSI is above this' }),
  ksPValueThreshold: number(0.01, { doc: '…or when its KS p-value is below this', above: 0, below: 1 }),
  /**
   * KS flags only when p < ksPValueThreshold AND the statistic exceeds this: with thousands of
   * rows the p-value alone flags shifts too small to matter (D = 0.1 ≈ a 0.25 sd mean shift).
   */
  ksStatisticThreshold: number(0.1, {
    doc: '…and its KS statistic above this (the statistic is at most 1)',
    min: 0,
    below: 1,
  }),
  chi2PValueThreshold: number(0.01, {
    doc: 'a categorical feature drifted when its chi-square p-value is below this',
    above: 0,
    below: 1,
  }),
  reportIntervalSeconds: number(30, {
    doc: 'how often the server recomputes the drift report, off the request path',
    above: 0,
  }),
  reportCacheSeconds: number(2, { doc: 'GET …/drift reuses a report younger than this' }),
  /** ~2 ms each on a full window, so a wide model's report never blocks requests for long. */
  reportChunkFeatures: integer(4, { doc: 'features scored per event-loop turn', min: 1 }),
});

const feedback = section('Live accuracy from labels sent back to POST …/feedback.', {
  /**
   * Each costs ~400 bytes of heap, and a busy server fills the store within seconds: 100 000 held
   * ~40 MB of heap (~70 MB RSS) under load, which a pod's memory limit, measured at idle, does not
   * foresee. Raise it for slow traffic with late labels.
   */
  maxPending: integer(10_000, {
    doc: 'predicted rows remembered for feedback by request id (least recently recorded forgotten first)',
  }),
  windowRows: integer(10_000, { doc: 'outcomes in the live accuracy window', min: 1 }),
  /** Labels often arrive late: live accuracy looks back further than drift does. */
  windowSeconds: number(86_400, { doc: 'oldest outcome in the live accuracy window', above: 0 }),
});

const payloadLog = section(
  'Requests and answers written to rotating files and/or sent as CloudEvents. A `payloadLog:` mapping turns it on unless it says `enabled: false`.',
  {
    enabled: boolean(false, { doc: 'log inference requests and answers' }),
    sampleRate: number(1, { doc: 'share of requests logged', min: 0, max: 1 }),
    dir: path('./payload-logs', { doc: 'folder of the log files (relative to the berth.yaml)' }),
    maxFileBytes: integer(10 * 1024 * 1024, { doc: 'a file is rotated past this size', min: 1 }),
    /** The oldest rotated files are deleted to stay under it. */
    maxTotalBytes: integer(100 * 1024 * 1024, { doc: 'active plus rotated files' }),
    /** Past it new entries are dropped and counted. */
    maxQueueBytes: integer(8 * 1024 * 1024, { doc: 'serialized entries waiting for the disk' }),
    sinkUrl: url('', { doc: 'CloudEvents sink (empty = none)', yaml: 'sink.url' }),
    sinkMode: choice('binary', ['binary', 'structured'], {
      doc: 'CloudEvents HTTP binding content mode',
      yaml: 'sink.mode',
    }),
    sinkEventTypes: choice('kserve', ['kserve', 'berth'], {
      doc: "event types: KServe's logger types or Berth's own",
      yaml: 'sink.eventTypes',
    }),
    sinkTimeoutMs: integer(2_000, { doc: 'timeout of one post to the sink', yaml: 'sink.timeoutMs' }),
    sinkMaxInFlight: integer(4, { doc: 'posts to the sink at once', yaml: 'sink.maxInFlight' }),
    sinkMaxPending: integer(100, {
      doc: 'entries waiting for a free connection to the sink; past it they are dropped',
      yaml: 'sink.maxPending',
    }),
    /** Instead of piling up timeouts. */
    sinkBackoffMs: integer(1_000, {
      doc: 'after a failed post, drop (and count) for this long',
      yaml: 'sink.backoffMs',
    }),
  },
);

/** The PrometheusRule `berth manifests --monitoring` writes (and the Grafana panels' threshold lines). */
const alerts = section(
  "Thresholds of the alerts `berth manifests --monitoring` writes (and the Grafana panels' threshold lines).",
  {
    rateWindow: text('5m', { doc: 'PromQL range of the rate() windows in the alert expressions' }),
    /** Berth's own faults; 4xx are the caller's. */
    errorRatio: number(0.05, { doc: 'share of inference requests answered 5xx that fires BerthHighErrorRate', max: 1 }),
    errorFor: text('5m', { doc: 'for this long' }),
    sloP99Ms: number(sloP99Ms, { doc: 'p99 latency objective that fires BerthHighLatency' }),
    latencyFor: text('10m', { doc: 'for this long' }),
    notReadyFor: text('5m', {
      doc: 'berth_model_ready == 0, or the scrape target down, for this long fires BerthModelNotReady',
    }),
    /** Drift is a slow signal. */
    driftFor: text('15m', {
      doc: 'a feature over monitoring.drift.psiThreshold for this long fires BerthFeatureDrift',
    }),
    minAccuracy: number(0.8, { doc: 'live accuracy below this fires BerthAccuracyDrop', max: 1 }),
    accuracyFor: text('30m', { doc: 'for this long' }),
    /** 3 of 4 right is noise, not a drop. */
    minFeedbackSamples: integer(50, { doc: 'feedback outcomes in the window before accuracy can alert' }),
  },
);

export const monitoring = section(
  'Drift, live accuracy and payload logging for every served model (docs/monitoring.md).',
  {
    enabled: boolean(true, { doc: 'monitor served models (drift, live accuracy, payload log)' }),
    reference: path('', {
      doc: 'file-served models: reference CSV (or profile JSON) profiled at load, relative to the berth.yaml',
    }),
    drift,
    feedback,
    payloadLog,
    alerts,
  },
);
