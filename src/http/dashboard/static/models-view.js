// @ts-check
import { el } from './dom.js';
import { duration, compact, percent } from './format.js';

/**
 * The "Models" cards: name, versions (the current one marked), readiness, the OIP v2 signature
 * (inputs and outputs with datatype and shape) and the model's live numbers.
 *
 * @typedef {{ name: string, versions?: string[], platform?: string,
 *   inputs?: Array<{ name: string, datatype: string, shape: number[] }>,
 *   outputs?: Array<{ name: string, datatype: string, shape: number[] }>,
 *   parameters?: Record<string, unknown> }} ModelMetadata
 * @typedef {{ rate: number, p99: number | undefined, errorRatio: number | undefined }} ModelLive
 */

/**
 * @param {HTMLElement} host
 * @param {Array<ModelMetadata | { name: string, error: string }>} models
 * @param {import('./live-metrics.js').LivePoint | undefined} point
 * @param {string} status the server's /ready answer
 */
export function renderModels(host, models, point, status) {
  const live = point?.perModel ?? new Map();
  const ready = point?.ready ?? new Map();
  const cards = models.map((model) => modelCard(model, live.get(model.name), ready.get(model.name)));
  if (models.length === 0) cards.push(el('p', { class: 'muted' }, 'No model is served yet.'));
  host.replaceChildren(...cards, serverCard(point, status));
}

/** The process behind the page: readiness, uptime, requests served. @param {import('./live-metrics.js').LivePoint | undefined} point @param {string} status */
function serverCard(point, status) {
  const uptime = point?.startTime === undefined ? undefined : Date.now() / 1000 - point.startTime;
  const pill = status === 'ready' ? 'pill ok' : status === 'draining' || status === 'unreachable' ? 'pill bad' : 'pill';
  return el(
    'article',
    { class: 'card server' },
    el('header', {}, el('h3', {}, 'Server'), el('span', { class: pill }, status)),
    el(
      'dl',
      { class: 'stats' },
      stat('uptime', uptime === undefined ? '–' : since(uptime)),
      stat('requests served', point?.served === undefined ? '–' : compact(point.served)),
      stat('in flight', point?.inFlight === undefined ? '–' : compact(point.inFlight)),
    ),
    el('p', { class: 'muted small' }, `${point?.node ? `Node.js ${point.node} · ` : ''}probes /healthz, /ready`),
  );
}

/** @param {number} seconds */
function since(seconds) {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** @param {ModelMetadata | { name: string, error: string }} model @param {ModelLive | undefined} live @param {number | undefined} ready */
function modelCard(model, live, ready) {
  if ('error' in model) {
    return el(
      'article',
      { class: 'card model', 'data-model': model.name },
      el('header', {}, el('h3', {}, model.name)),
      el('p', { class: 'error-text' }, model.error),
    );
  }
  const parameters = model.parameters ?? {};
  const current = String(parameters.current_version ?? model.versions?.at(-1) ?? '');
  const state =
    ready === undefined ? ['unknown', 'pill'] : ready >= 1 ? ['ready', 'pill ok'] : ['not ready', 'pill bad'];
  const versions = el(
    'div',
    { class: 'versions' },
    ...(model.versions ?? []).map((version) =>
      el(
        'span',
        {
          class: version === current ? 'chip current' : 'chip',
          title: version === current ? 'current version: requests without a version go here' : undefined,
        },
        `v${version}`,
      ),
    ),
  );
  const signature = el(
    'table',
    { class: 'signature' },
    el(
      'thead',
      {},
      el('tr', {}, el('th', {}, ''), el('th', {}, 'name'), el('th', {}, 'datatype'), el('th', {}, 'shape')),
    ),
    el(
      'tbody',
      {},
      ...(model.inputs ?? []).map((input, index) => tensorRow(index === 0 ? 'in' : '', input)),
      ...(model.outputs ?? []).map((output, index) => tensorRow(index === 0 ? 'out' : '', output)),
    ),
  );
  const facts = [
    parameters.producer,
    parameters.opset ? `opset ${parameters.opset}` : undefined,
    typeof parameters.sha256 === 'string' ? `sha256 ${parameters.sha256.slice(0, 12)}…` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const stats = el(
    'dl',
    { class: 'stats' },
    stat('req/s', live ? compact(live.rate) : '–'),
    stat('p99', live?.p99 === undefined ? '–' : duration(live.p99)),
    stat('5xx', live?.errorRatio === undefined ? '–' : percent(live.errorRatio)),
  );
  return el(
    'article',
    { class: 'card model', 'data-model': model.name },
    el('header', {}, el('h3', {}, model.name), el('span', { class: state[1] }, state[0])),
    versions,
    stats,
    signature,
    facts ? el('p', { class: 'muted small' }, facts) : undefined,
  );
}

/** @param {string} label @param {string} value */
function stat(label, value) {
  return el('div', {}, el('dt', {}, label), el('dd', {}, value));
}

/** @param {string} kind @param {{ name: string, datatype: string, shape: number[] }} tensor */
function tensorRow(kind, tensor) {
  return el(
    'tr',
    {},
    el('td', { class: 'muted' }, kind),
    el('td', { class: 'mono' }, tensor.name),
    el('td', { class: 'mono' }, tensor.datatype),
    el('td', { class: 'mono' }, `[${tensor.shape.map((size) => (size < 0 ? '-1' : String(size))).join(', ')}]`),
  );
}
