// @ts-check
import { AuthRequired, getJson, getText, setApiKey } from './api.js';
import { bytes, compact, duration, ms, percent } from './format.js';
import { History } from './history.js';
import { LineChart } from './line-chart.js';
import { LiveMetrics } from './live-metrics.js';
import { renderModels } from './models-view.js';
import { parsePrometheusText } from './prom-text.js';
import { QualityView } from './quality-view.js';

/**
 * The dashboard page: polls /metrics (rates and latency quantiles computed here from the deltas),
 * the model list and metadata, and each model's drift report, and draws them. Intervals and the
 * history length come from the server's defaults (data-* attributes on <body>).
 *
 * @typedef {import('./live-metrics.js').LivePoint} LivePoint
 */

const body = document.body.dataset;
const config = {
  metricsPollMs: Number(body.metricsPollMs) || 2000,
  driftPollMs: Number(body.driftPollMs) || 5000,
  modelsPollMs: Number(body.modelsPollMs) || 15000,
  historySeconds: Number(body.historySeconds) || 300,
  rateWindowSeconds: Number(body.rateWindowSeconds) || 10,
};

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const history = new History(config.historySeconds);
const live = new LiveMetrics(config.rateWindowSeconds);
const quality = new QualityView($('quality'), history);

/**
 * The traffic charts: which series each draws from a LivePoint, and the headline number.
 * @type {Array<{ id: string, label: string, format: (v: number) => string, max?: number,
 *   series: (point: LivePoint) => Array<[string, number | undefined]>, kpi: (point: LivePoint) => string }>}
 */
const trafficCharts = [
  {
    id: 'requests',
    label: 'Inference requests per second by model',
    format: compact,
    series: (p) => [...p.requests],
    kpi: (p) => `${compact(total(p.requests))}/s`,
  },
  {
    id: 'latency',
    label: 'Request latency p50, p95, p99 in milliseconds',
    format: ms,
    series: (p) => [
      ['p50', scale(p.p50, 1000)],
      ['p95', scale(p.p95, 1000)],
      ['p99', scale(p.p99, 1000)],
    ],
    kpi: (p) => (p.p99 === undefined ? '–' : `p99 ${duration(p.p99)}`),
  },
  {
    id: 'errors',
    label: 'Share of inference requests that failed',
    format: percent,
    series: (p) => [
      ['5xx', p.errors5xx],
      ['4xx', p.errors4xx],
    ],
    kpi: (p) => (p.errors5xx === undefined ? '–' : `${percent(p.errors5xx)} 5xx`),
  },
  {
    id: 'predictions',
    label: 'Rows predicted per second by model',
    format: compact,
    series: (p) => [...p.predictions],
    kpi: (p) => `${compact(total(p.predictions))}/s`,
  },
  {
    id: 'batch',
    label: 'Mean rows per model call after batching',
    format: compact,
    series: (p) => [
      ['rows per call', p.batchMean],
      ['queued', p.queueDepth],
    ],
    kpi: (p) => (p.batchMean === undefined ? '–' : `${compact(p.batchMean)} rows/call`),
  },
  {
    id: 'queue',
    label: 'Time waiting in the batch queue, p99, milliseconds',
    format: ms,
    series: (p) => [['queue p99', scale(p.queueP99, 1000)]],
    kpi: (p) => (p.queueP99 === undefined ? '–' : duration(p.queueP99)),
  },
  {
    id: 'cpu',
    label: 'CPU used by the server process, cores',
    format: compact,
    series: (p) => [['cores', p.cpu]],
    kpi: (p) => (p.cpu === undefined ? '–' : `${percent(p.cpu)} of a core`),
  },
  {
    id: 'memory',
    label: 'Resident memory of the server process, MiB',
    format: (v) => `${compact(v)} MiB`,
    series: (p) => [['resident', scale(p.memory, 2 ** -20)]],
    kpi: (p) => (p.memory === undefined ? '–' : bytes(p.memory)),
  },
];
const charts = new Map(trafficCharts.map((chart) => [chart.id, new LineChart($(`chart-${chart.id}`), chart)]));

/** @param {Map<string, number>} map */
const total = (map) => [...map.values()].reduce((a, b) => a + b, 0);
/** @param {number | undefined} value @param {number} factor */
const scale = (value, factor) => (value === undefined ? undefined : value * factor);

const openedAt = Date.now();
/**
 * The charts span the time since the page opened (at least a minute, in 30 s steps) up to the
 * history kept, so the first minutes of data fill the chart instead of a sliver at its edge.
 * @param {number} now
 */
function spanSeconds(now) {
  const elapsed = Math.ceil((now - openedAt) / 30_000) * 30;
  return Math.min(config.historySeconds, Math.max(60, elapsed));
}

/** @type {LivePoint | undefined} */
let latest;
let serverStatus = 'connecting';
/** @type {string[]} */
let modelNames = [];
/** @type {Array<any>} */
let modelMetadata = [];

async function pollMetrics() {
  try {
    const [text, ready] = await Promise.all([getText('/metrics'), readiness()]);
    const now = Date.now();
    const point = live.add(now, parsePrometheusText(text));
    if (point) {
      latest = point;
      for (const chart of trafficCharts) {
        for (const [name, value] of chart.series(point)) history.push(chart.id, name, now, value);
        $(`kpi-${chart.id}`).textContent = chart.kpi(point);
      }
      for (const name of modelNames) quality.recordAccuracy(name, point.accuracy.get(name), now);
      renderModels($('models'), modelMetadata, point, ready);
    }
    const span = spanSeconds(now);
    for (const chart of trafficCharts) charts.get(chart.id)?.update(history.series(chart.id, now), now, span);
    quality.renderAll(now, span);
    setStatus(ready);
    serverStatus = ready;
    $('updated').textContent = `updated ${new Date(now).toLocaleTimeString()}`;
  } catch (error) {
    setStatus('unreachable');
    notice(`Cannot read /metrics: ${message(error)}`);
  }
}

/** /ready is open like /metrics: 200 ready, 503 loading or draining. */
async function readiness() {
  try {
    const response = await fetch('/ready', { cache: 'no-store', credentials: 'omit' });
    const answer = await response.json();
    return typeof answer.status === 'string' ? answer.status : response.ok ? 'ready' : 'not ready';
  } catch {
    return 'unreachable';
  }
}

async function loadModels() {
  try {
    const list = await getJson('/v1/models');
    modelNames = Array.isArray(list.models) ? list.models.map(String) : [];
    modelMetadata = await Promise.all(
      modelNames.map(async (name) => {
        try {
          return await getJson(`/v2/models/${encodeURIComponent(name)}`);
        } catch (error) {
          if (error instanceof AuthRequired) throw error;
          return { name, error: message(error) };
        }
      }),
    );
    renderModels($('models'), modelMetadata, latest, serverStatus);
    quality.setModels(modelNames);
    hideKeyForm();
  } catch (error) {
    if (error instanceof AuthRequired) showKeyForm();
    else notice(`Cannot list the models: ${message(error)}`);
  }
}

async function loadDrift() {
  const now = Date.now();
  await Promise.all(
    modelNames.map(async (name) => {
      try {
        quality.setState(name, { report: await getJson(`/v2/models/${encodeURIComponent(name)}/drift`) }, now);
      } catch (error) {
        if (error instanceof AuthRequired) return showKeyForm();
        // 404: the version has no reference profile (or the server has no drift route).
        quality.setState(name, { unavailable: message(error) }, now);
      }
    }),
  );
}

/** Runs `task` now and then `ms` after each run ends (never two at once). @param {() => Promise<void>} task @param {number} intervalMs */
async function every(task, intervalMs) {
  await task();
  setTimeout(() => void every(task, intervalMs), intervalMs);
}

/** @param {string} status */
function setStatus(status) {
  const pill = $('server-status');
  pill.textContent = status;
  pill.className =
    status === 'ready' ? 'pill ok' : status === 'unreachable' || status === 'draining' ? 'pill bad' : 'pill';
}

/** @param {string} text */
function notice(text) {
  const box = $('notice');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(Number(box.dataset.timer));
  box.dataset.timer = String(
    setTimeout(() => {
      box.hidden = true;
    }, 10_000),
  );
}

/** @param {unknown} error */
function message(error) {
  return error instanceof Error ? error.message : String(error);
}

function showKeyForm() {
  $('key-form').hidden = false;
  /** @type {HTMLInputElement} */ ($('key-input')).focus();
}

function hideKeyForm() {
  $('key-form').hidden = true;
}

$('key-button').addEventListener('click', () => ($('key-form').hidden ? showKeyForm() : hideKeyForm()));
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = /** @type {HTMLInputElement} */ ($('key-input'));
  setApiKey(input.value.trim());
  input.value = '';
  hideKeyForm();
  void refreshNow();
});
$('key-clear').addEventListener('click', () => {
  setApiKey('');
  showKeyForm();
});

/** After a key is entered: fetch models and drift at once instead of waiting for the next poll. */
async function refreshNow() {
  await loadModels();
  await loadDrift();
}

void every(pollMetrics, config.metricsPollMs);
void every(loadModels, config.modelsPollMs).then(() => every(loadDrift, config.driftPollMs));
