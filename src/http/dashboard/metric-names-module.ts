import { inferenceRoutePattern, metricNames } from '../../core/metric-names.js';

/**
 * static/metric-names.js: the metric names the page reads from /metrics, generated from
 * core/metric-names.ts (`npm run generate`) so the page never spells one itself. A static file,
 * not a route: the page's scripts are plain modules that the tests also import in Node.
 */
export function metricNamesModule(): string {
  return `// @ts-check
// Generated from src/core/metric-names.ts by \`npm run generate\`; do not edit.

/** Berth's metric names (and the process metrics it reads), by key. */
export const metricNames = /** @type {const} */ (${JSON.stringify(metricNames, null, 2)
    .replace(/"([^"]+)":/g, '$1:')
    .replace(/"/g, "'")});

/** Requests that reach a model: the same pattern as the generated Grafana dashboard and alerts (anchored, as PromQL's). */
export const inferenceRoute = /^(?:${inferenceRoutePattern})$/;
`;
}
