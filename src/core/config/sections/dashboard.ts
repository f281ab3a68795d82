import { section } from '../field.js';

export const dashboard = section('The dashboard page at GET /: how often it polls and how much it shows.', {
  /** /metrics is polled this often; rates and quantiles come from the deltas. */
  metricsPollMs: 2_000,
  /** The drift report (with live accuracy) and the model list change slowly. */
  driftPollMs: 5_000,
  modelsPollMs: 15_000,
  /** Seconds of history the charts keep. */
  historySeconds: 300,
  /** Rates and quantiles span this many seconds of scrapes, like PromQL's rate(x[10s]). */
  rateWindowSeconds: 10,
});
