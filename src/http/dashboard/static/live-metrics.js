// @ts-check
import { buckets, bucketIncrease, histogramQuantile, increase, sum, sumBy } from './metrics-math.js';
import { inferenceRoute, metricNames as m } from './metric-names.js';

/**
 * The page's view of /metrics over time: every scrape is kept for the rate window, and each new
 * scrape yields one point per series, computed against the scrape `windowSeconds` earlier (or the
 * oldest one kept), as rate(x[10s]) would.
 *
 * @typedef {import('./prom-text.js').Scrape} Scrape
 * @typedef {{ t: number, scrape: Scrape }} Snapshot
 * @typedef {{
 *   requests: Map<string, number>, predictions: Map<string, number>,
 *   errors5xx: number | undefined, errors4xx: number | undefined,
 *   p50: number | undefined, p95: number | undefined, p99: number | undefined,
 *   perModel: Map<string, { rate: number, p99: number | undefined, errorRatio: number | undefined }>,
 *   batchMean: number | undefined, queueP99: number | undefined, queueDepth: number | undefined,
 *   cpu: number | undefined, memory: number | undefined, inFlight: number | undefined,
 *   accuracy: Map<string, number>, ready: Map<string, number>,
 *   served: number | undefined, startTime: number | undefined, node: string | undefined,
 * }} LivePoint
 */

const isInference = (/** @type {Record<string, string>} */ labels) => inferenceRoute.test(labels.route ?? '');

export class LiveMetrics {
  /** @param {number} windowSeconds */
  constructor(windowSeconds) {
    this.windowMs = windowSeconds * 1000;
    /** @type {Snapshot[]} */
    this.snapshots = [];
  }

  /**
   * Adds a scrape taken at `t` (ms) and returns the point it yields, or undefined for the first.
   * @param {number} t @param {Scrape} scrape @returns {LivePoint | undefined}
   */
  add(t, scrape) {
    this.snapshots.push({ t, scrape });
    // Keep the newest snapshot at or before the window's start, and everything after it.
    while (this.snapshots.length > 2 && this.snapshots[1].t <= t - this.windowMs) this.snapshots.shift();
    if (this.snapshots.length < 2) return undefined;
    const before = this.snapshots[0];
    return livePoint(before.scrape, scrape, (t - before.t) / 1000);
  }
}

/**
 * @param {Scrape} older @param {Scrape} newer @param {number} seconds
 * @returns {LivePoint}
 */
export function livePoint(older, newer, seconds) {
  const rate = (/** @type {number | undefined} */ a, /** @type {number | undefined} */ b) => {
    const delta = increase(a, b);
    return delta === undefined ? undefined : delta / seconds;
  };
  const requestsName = m.httpRequests;
  const total = rate(sum(newer, requestsName, isInference), sum(older, requestsName, isInference));
  const ratio = (/** @type {RegExp} */ status) => {
    const filter = (/** @type {Record<string, string>} */ labels) =>
      isInference(labels) && status.test(labels.status ?? '');
    const failed = rate(sum(newer, requestsName, filter) ?? 0, sum(older, requestsName, filter) ?? 0);
    return total ? (failed ?? 0) / total : total === 0 ? 0 : undefined;
  };

  const requests = perKeyRate(
    sumBy(newer, requestsName, 'model', isInference),
    sumBy(older, requestsName, 'model', isInference),
    seconds,
  );
  const predictions = perKeyRate(
    sumBy(newer, m.inferenceRows, 'model'),
    sumBy(older, m.inferenceRows, 'model'),
    seconds,
  );

  const latency = bucketIncrease(
    buckets(newer, m.httpDuration, isInference),
    buckets(older, m.httpDuration, isInference),
  );
  /** @type {LivePoint['perModel']} */
  const perModel = new Map();
  for (const [model, modelRate] of requests) {
    const mine = (/** @type {Record<string, string>} */ labels) => isInference(labels) && labels.model === model;
    const failed = (/** @type {Record<string, string>} */ labels) => mine(labels) && /^5/.test(labels.status ?? '');
    const modelLatency = bucketIncrease(buckets(newer, m.httpDuration, mine), buckets(older, m.httpDuration, mine));
    const failedRate = rate(sum(newer, requestsName, failed) ?? 0, sum(older, requestsName, failed) ?? 0) ?? 0;
    perModel.set(model, {
      rate: modelRate,
      p99: histogramQuantile(0.99, modelLatency),
      errorRatio: modelRate > 0 ? failedRate / modelRate : undefined,
    });
  }

  const batchRows = increase(sum(newer, `${m.batchSize}_sum`), sum(older, `${m.batchSize}_sum`));
  const batchCalls = increase(sum(newer, `${m.batchSize}_count`), sum(older, `${m.batchSize}_count`));
  const queue = bucketIncrease(buckets(newer, m.queueDuration), buckets(older, m.queueDuration));

  return {
    requests,
    predictions,
    errors5xx: ratio(/^5/),
    errors4xx: ratio(/^4/),
    p50: histogramQuantile(0.5, latency),
    p95: histogramQuantile(0.95, latency),
    p99: histogramQuantile(0.99, latency),
    perModel,
    batchMean: batchCalls ? (batchRows ?? 0) / batchCalls : undefined,
    queueP99: histogramQuantile(0.99, queue),
    queueDepth: sum(newer, m.queueDepth),
    cpu: rate(sum(newer, m.processCpu), sum(older, m.processCpu)),
    memory: sum(newer, m.processMemory),
    inFlight: sum(newer, m.inFlight),
    accuracy: minBy(newer, m.liveAccuracy, 'model'),
    ready: minBy(newer, m.modelReady, 'model'),
    served: sum(newer, requestsName, isInference),
    startTime: sum(newer, m.processStart),
    node: newer.samples.find((sample) => sample.name === m.nodeVersion)?.labels.version,
  };
}

/** @param {Map<string, number>} newer @param {Map<string, number>} older @param {number} seconds */
function perKeyRate(newer, older, seconds) {
  const out = new Map();
  for (const [key, value] of newer) out.set(key, (increase(value, older.get(key)) ?? 0) / seconds);
  return out;
}

/** The smallest value per label value (a model is as ready, or as accurate, as its worst version). @param {Scrape} scrape @param {string} name @param {string} label */
function minBy(scrape, name, label) {
  const out = new Map();
  for (const sample of scrape.samples) {
    if (sample.name !== name) continue;
    const key = sample.labels[label] ?? '';
    out.set(key, Math.min(out.get(key) ?? Infinity, sample.value));
  }
  return out;
}
