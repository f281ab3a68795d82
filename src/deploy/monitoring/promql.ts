/**
 * Tiny PromQL builders, so label matchers are quoted one way everywhere
 * (https://prometheus.io/docs/prometheus/latest/querying/basics/#time-series-selectors).
 */
export type Matchers = Record<string, string | { re: string } | { not: string } | undefined>;

/** `name{a="x",b=~"y"}`; undefined matchers are left out. */
export function selector(metric: string, matchers: Matchers = {}): string {
  const parts: string[] = [];
  for (const [label, value] of Object.entries(matchers)) {
    if (value === undefined) continue;
    if (typeof value === 'string') parts.push(`${label}="${escape(value)}"`);
    else if ('re' in value) parts.push(`${label}=~"${escape(value.re)}"`);
    else parts.push(`${label}!="${escape(value.not)}"`);
  }
  return parts.length === 0 ? metric : `${metric}{${parts.join(', ')}}`;
}

/** `sum by (labels) (rate(selector[window]))`. */
export function sumRate(metric: string, matchers: Matchers, window: string, by: readonly string[]): string {
  return `sum by (${by.join(', ')}) (rate(${selector(metric, matchers)}[${window}]))`;
}

/** The q-quantile of a histogram, aggregated by `by` (plus `le`). */
export function histogramQuantile(
  q: number,
  histogram: string,
  matchers: Matchers,
  window: string,
  by: readonly string[],
): string {
  return `histogram_quantile(${q}, ${sumRate(`${histogram}_bucket`, matchers, window, ['le', ...by])})`;
}

/** PromQL double-quoted string escaping. */
function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
