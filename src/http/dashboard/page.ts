import type { Settings } from '../../core/config.js';
import { berthVersion } from '../../core/version.js';

/** The charts of the traffic section: element ids the page script (static/app.js) fills. */
const trafficCards: Array<[id: string, title: string]> = [
  ['requests', 'Requests / s'],
  ['latency', 'Latency p50 · p95 · p99'],
  ['errors', 'Errors'],
  ['predictions', 'Predictions / s'],
  ['batch', 'Batch size'],
  ['queue', 'Queue time p99'],
  ['cpu', 'CPU'],
  ['memory', 'Memory (resident)'],
];

/**
 * The dashboard's HTML: a static shell with no data in it and no inline script or style (the
 * Content-Security-Policy forbids both); static/app.js fills it. The poll intervals and history
 * length are the server's defaults, handed over as data-* attributes.
 */
export function dashboardPage(config: Settings['dashboard']): string {
  const v = encodeURIComponent(berthVersion);
  const cards = trafficCards
    .map(
      ([id, title]) =>
        `      <article class="card"><header><h3>${title}</h3><span class="big" id="kpi-${id}">–</span></header><div id="chart-${id}"></div></article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>Berth dashboard</title>
  <link rel="icon" href="/dashboard/icon.svg?v=${v}" type="image/svg+xml">
  <link rel="stylesheet" href="/dashboard/style.css?v=${v}">
  <script type="module" src="/dashboard/app.js?v=${v}"></script>
</head>
<body data-metrics-poll-ms="${config.metricsPollMs}" data-drift-poll-ms="${config.driftPollMs}" data-models-poll-ms="${config.modelsPollMs}" data-history-seconds="${config.historySeconds}" data-rate-window-seconds="${config.rateWindowSeconds}">
  <header class="top">
    <div class="brand"><img src="/dashboard/icon.svg?v=${v}" alt="" width="28" height="28"><h1>Berth</h1><span class="subtitle">live dashboard</span></div>
    <div class="status"><span id="server-status" class="pill">connecting</span><span id="updated" class="muted"></span><button id="key-button" type="button">API key</button></div>
  </header>
  <form id="key-form" class="key-form" hidden>
    <label for="key-input">This server needs an API key</label>
    <input id="key-input" type="password" autocomplete="off" spellcheck="false" placeholder="server.apiKey">
    <button type="submit">Use key</button><button id="key-clear" type="button">Forget key</button>
    <p class="muted small">Sent only to this server, as Authorization: Bearer; kept in this tab until it closes.</p>
  </form>
  <div id="notice" class="notice" role="status" hidden></div>
  <main>
    <section>
      <h2>Models</h2>
      <div id="models" class="models"><p class="muted">Loading…</p></div>
    </section>
    <section>
      <h2>Traffic <span class="muted">up to ${Math.round(config.historySeconds / 60)} min of history · computed here from /metrics every ${config.metricsPollMs / 1000} s</span></h2>
      <div class="grid">
${cards}
      </div>
    </section>
    <section>
      <h2>Drift and live accuracy <span class="muted">GET /v2/models/{name}/drift every ${config.driftPollMs / 1000} s</span></h2>
      <div id="quality"></div>
    </section>
  </main>
  <footer>Berth ${berthVersion} · <a href="/docs">API docs</a> · <a href="/openapi.json">OpenAPI</a> · <a href="/metrics">/metrics</a></footer>
</body>
</html>
`;
}
