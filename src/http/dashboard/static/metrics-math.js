// @ts-check
/**
 * What PromQL would compute, done in the browser over two scrapes of /metrics: increase of
 * counters (with resets), sums over matching series, and histogram_quantile's estimate.
 *
 * @typedef {import('./prom-text.js').Sample} Sample
 * @typedef {import('./prom-text.js').Scrape} Scrape
 * @typedef {(labels: Record<string, string>) => boolean} LabelFilter
 */

/** @type {LabelFilter} */
export const anySeries = () => true;

/** Sum of the samples named `name` whose labels pass `filter`. @param {Scrape} scrape @param {string} name @param {LabelFilter} [filter] */
export function sum(scrape, name, filter = anySeries) {
  let total = 0;
  let found = false;
  for (const sample of scrape.samples) {
    if (sample.name === name && filter(sample.labels)) {
      total += sample.value;
      found = true;
    }
  }
  return found ? total : undefined;
}

/**
 * Per-series values keyed by one label (e.g. model), summed within each key.
 * @param {Scrape} scrape @param {string} name @param {string} label @param {LabelFilter} [filter]
 * @returns {Map<string, number>}
 */
export function sumBy(scrape, name, label, filter = anySeries) {
  const out = new Map();
  for (const sample of scrape.samples) {
    if (sample.name !== name || !filter(sample.labels)) continue;
    const key = sample.labels[label] ?? '';
    out.set(key, (out.get(key) ?? 0) + sample.value);
  }
  return out;
}

/**
 * Increase of a counter (or of a sum of counters) between two scrapes; a drop means the process
 * restarted, so the newer value is the whole increase (PromQL's reset rule).
 * @param {number | undefined} newer @param {number | undefined} older
 */
export function increase(newer, older) {
  if (newer === undefined) return undefined;
  if (older === undefined || newer < older) return newer;
  return newer - older;
}

/**
 * Cumulative bucket counts of a histogram summed over matching series: [[le, count], …] sorted by le.
 * @param {Scrape} scrape @param {string} base @param {LabelFilter} [filter]
 * @returns {Array<[number, number]>}
 */
export function buckets(scrape, base, filter = anySeries) {
  const byLe = new Map();
  for (const sample of scrape.samples) {
    if (sample.name !== `${base}_bucket` || !filter(sample.labels)) continue;
    const le = sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + sample.value);
  }
  return [...byLe.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Bucket-wise increase between two scrapes (same bucket layout; a reset takes the newer counts).
 * @param {Array<[number, number]>} newer @param {Array<[number, number]>} older
 * @returns {Array<[number, number]>}
 */
export function bucketIncrease(newer, older) {
  const before = new Map(older);
  const reset = newer.some(([le, count]) => count < (before.get(le) ?? 0));
  return newer.map(([le, count]) => [le, reset ? count : count - (before.get(le) ?? 0)]);
}

/**
 * PromQL's histogram_quantile: find the bucket holding the q-th observation and interpolate
 * linearly inside it; the first bucket starts at 0; an answer in the +Inf bucket is the highest
 * finite bound. Undefined when there were no observations.
 * @param {number} q @param {Array<[number, number]>} cumulative
 */
export function histogramQuantile(q, cumulative) {
  if (cumulative.length === 0) return undefined;
  const total = cumulative[cumulative.length - 1][1];
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of cumulative) {
    if (count >= rank) {
      if (le === Infinity) return lowerBound;
      if (count === lowerCount) return le;
      return lowerBound + (le - lowerBound) * ((rank - lowerCount) / (count - lowerCount));
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
