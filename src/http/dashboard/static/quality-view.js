// @ts-check
import { el, psiBar } from './dom.js';
import { compact, fixed, percent, pValue } from './format.js';
import { LineChart } from './line-chart.js';

/**
 * "Drift and live accuracy", one card per model: PSI per feature over time with the threshold,
 * live accuracy over time, and the latest report as a table (GET /v2/models/{name}/drift).
 *
 * @typedef {{ feature: string, kind: 'numeric' | 'categorical', samples: number, missing_rate: number,
 *   psi: number | null, ks_statistic?: number | null, ks_pvalue?: number | null, chi2_pvalue?: number | null,
 *   mean?: number | null, reference_mean?: number | null, drifted: boolean, reasons: string[] }} DriftScore
 * @typedef {{ task: string, samples: number, accuracy: number | null, mae: number | null, rmse: number | null,
 *   pending: number, received: number, unmatched: number }} AccuracyReport
 * @typedef {{ version?: string, sample_size: number, window: { span_seconds: number, max_rows: number },
 *   thresholds: { psi: number, ks_pvalue?: number, chi2_pvalue?: number, min_samples: number },
 *   reference?: { source?: string, rows?: number }, drifted: boolean, features: DriftScore[],
 *   prediction: DriftScore | null, accuracy?: AccuracyReport }} DriftReport
 * @typedef {{ report?: DriftReport, unavailable?: string }} QualityState
 */

export class QualityView {
  /** @param {HTMLElement} host @param {import('./history.js').History} history */
  constructor(host, history) {
    this.host = host;
    this.history = history;
    this.spanSeconds = 60;
    /** @type {Map<string, { card: HTMLElement, badge: HTMLElement, summary: HTMLElement, table: HTMLElement, accuracyText: HTMLElement, psi: LineChart, accuracy: LineChart, threshold: number }>} */
    this.cards = new Map();
    /** @type {Map<string, QualityState>} */
    this.states = new Map();
    /** Models whose accuracy comes from the berth_live_accuracy gauge. @type {Set<string>} */
    this.gaugeSeen = new Set();
  }

  /** Keep one card per served model, in order. @param {string[]} models */
  setModels(models) {
    for (const name of [...this.cards.keys()])
      if (!models.includes(name)) {
        this.cards.get(name)?.card.remove();
        this.cards.delete(name);
      }
    for (const name of models) if (!this.cards.has(name)) this.cards.set(name, this.createCard(name, 0.2));
    this.host.replaceChildren(...models.map((name) => /** @type {HTMLElement} */ (this.cards.get(name)?.card)));
    if (models.length === 0) this.host.replaceChildren(el('p', { class: 'muted' }, 'No model is served yet.'));
  }

  /** @param {string} name @param {number} threshold */
  createCard(name, threshold) {
    const psiHost = el('div');
    const accuracyHost = el('div');
    const badge = el('span', { class: 'pill' }, '…');
    const summary = el('p', { class: 'muted small' });
    const table = el('div', { class: 'table-wrap' });
    const accuracyText = el(
      'p',
      { class: 'muted small' },
      'Post the true values to POST /v2/models/' + name + '/feedback to see live accuracy.',
    );
    const card = el(
      'article',
      { class: 'card quality', 'data-model': name },
      el('header', {}, el('h3', {}, `${name} · drift and accuracy`), badge),
      summary,
      el(
        'div',
        { class: 'quality-grid' },
        el('div', {}, el('h4', {}, 'PSI per feature'), psiHost),
        el('div', {}, el('h4', {}, 'Live accuracy'), accuracyHost, accuracyText),
      ),
      table,
    );
    return {
      card,
      badge,
      summary,
      table,
      accuracyText,
      threshold,
      psi: new LineChart(psiHost, {
        id: `drift-${name}`,
        label: `PSI per feature of ${name}`,
        format: compact,
        threshold,
        thresholdLabel: `threshold ${threshold}`,
      }),
      accuracy: new LineChart(accuracyHost, {
        id: `accuracy-${name}`,
        label: `Live accuracy of ${name}`,
        format: percent,
        max: 1,
      }),
    };
  }

  /** @param {string} name @param {QualityState} state @param {number} now */
  setState(name, state, now) {
    this.states.set(name, state);
    const report = state.report;
    if (report) {
      for (const score of report.features)
        this.history.push(`drift:${name}`, score.feature, now, score.psi ?? undefined);
      if (report.prediction) this.history.push(`drift:${name}`, 'prediction', now, report.prediction.psi ?? undefined);
      // Without the gauge (a server older than the metric), chart the report's own number.
      if (!this.gaugeSeen.has(name) && report.accuracy?.accuracy != null)
        this.history.push(`accuracy:${name}`, 'accuracy', now, report.accuracy.accuracy);
    }
    this.render(name, now);
  }

  /** Live accuracy from the berth_live_accuracy gauge (when feedback has arrived). @param {string} name @param {number | undefined} value @param {number} now */
  recordAccuracy(name, value, now) {
    if (value === undefined) return;
    this.gaugeSeen.add(name);
    this.history.push(`accuracy:${name}`, 'accuracy', now, value);
  }

  /** Redraw every card (the time axis moves even when no report arrives). @param {number} now @param {number} spanSeconds */
  renderAll(now, spanSeconds) {
    this.spanSeconds = spanSeconds;
    for (const name of this.cards.keys()) this.render(name, now);
  }

  /** @param {string} name @param {number} now */
  render(name, now) {
    let view = this.cards.get(name);
    if (!view) return;
    const { report, unavailable } = this.states.get(name) ?? {};
    if (report && report.thresholds.psi !== view.threshold) {
      // The threshold line comes from the server's settings: rebuild the card once it is known.
      const fresh = this.createCard(name, report.thresholds.psi);
      view.card.replaceWith(fresh.card);
      this.cards.set(name, fresh);
      view = fresh;
    }
    view.psi.update(this.history.series(`drift:${name}`, now), now, this.spanSeconds);
    view.accuracy.update(this.history.series(`accuracy:${name}`, now), now, this.spanSeconds);
    if (unavailable !== undefined) {
      view.badge.className = 'pill';
      view.badge.textContent = 'no drift data';
      view.summary.textContent = unavailable;
      view.table.replaceChildren();
      return;
    }
    if (!report) return;
    view.badge.className = report.drifted
      ? 'pill bad'
      : report.sample_size < report.thresholds.min_samples
        ? 'pill'
        : 'pill ok';
    view.badge.textContent = report.drifted
      ? 'drift'
      : report.sample_size < report.thresholds.min_samples
        ? 'collecting'
        : 'stable';
    const reference = report.reference?.rows ? ` · reference ${report.reference.rows} rows` : '';
    view.summary.textContent = `${report.version ? `version ${report.version} · ` : ''}window ${report.sample_size} rows over ${Math.round(report.window.span_seconds)} s${reference} · flagged at PSI > ${report.thresholds.psi}${report.thresholds.ks_pvalue === undefined ? '' : `, KS p < ${report.thresholds.ks_pvalue}`} with ≥ ${report.thresholds.min_samples} rows`;
    view.table.replaceChildren(driftTable(report));
    const accuracy = report.accuracy;
    if (accuracy) {
      const headline =
        accuracy.task === 'regression'
          ? `MAE ${fixed(accuracy.mae)} · RMSE ${fixed(accuracy.rmse)}`
          : `accuracy ${accuracy.accuracy === null ? '–' : percent(accuracy.accuracy)}`;
      view.accuracyText.textContent = `${headline} over ${accuracy.samples} outcomes · ${accuracy.pending} predictions await feedback · ${accuracy.received} received (${accuracy.unmatched} unmatched)`;
    }
  }
}

/** @param {DriftReport} report */
function driftTable(report) {
  const threshold = report.thresholds.psi;
  const rows = [...report.features, ...(report.prediction ? [{ ...report.prediction, feature: 'prediction' }] : [])];
  return el(
    'table',
    { class: 'drift-table' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['feature', 'kind', 'PSI', '', 'KS D', 'p-value', 'mean live / ref', 'missing', 'status'].map((title) =>
          el('th', {}, title),
        ),
      ),
    ),
    el(
      'tbody',
      {},
      ...rows.map((score) =>
        el(
          'tr',
          { 'data-feature': score.feature, class: score.drifted ? 'drifted' : undefined },
          el('td', { class: 'mono' }, score.feature),
          el('td', { class: 'muted' }, score.kind),
          el('td', { class: 'num' }, fixed(score.psi)),
          el('td', {}, psiBar(score.psi, threshold)),
          el('td', { class: 'num' }, score.kind === 'numeric' ? fixed(score.ks_statistic) : '–'),
          el('td', { class: 'num' }, pValue(score.kind === 'numeric' ? score.ks_pvalue : score.chi2_pvalue)),
          el(
            'td',
            { class: 'num' },
            score.kind === 'numeric' ? `${fixed(score.mean, 2)} / ${fixed(score.reference_mean, 2)}` : '–',
          ),
          el('td', { class: 'num' }, percent(score.missing_rate)),
          el(
            'td',
            {},
            el(
              'span',
              { class: score.drifted ? 'pill bad' : 'pill ok' },
              score.drifted ? `drift (${score.reasons.join(', ')})` : 'ok',
            ),
          ),
        ),
      ),
    ),
  );
}
