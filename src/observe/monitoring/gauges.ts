/**
 * Drift reports and live accuracy → Prometheus gauges (names in core/metric-names.ts). A score that
 * cannot be computed (no live values yet) removes its series rather than report a false 0.
 */
import type { DriftScore } from '../drift/detector.js';
import type { FeedbackReport } from '../accuracy/feedback-tracker.js';
import type { Metrics } from '../metrics.js';
import { driftMethods as methods, type DriftMethod } from '../../core/metric-names.js';
import type { MonitoringReport } from './drift-rule.js';

function scoreValues(score: DriftScore): Record<DriftMethod, number | null | undefined> {
  return score.kind === 'numeric'
    ? { psi: score.psi, ks_statistic: score.ks_statistic, ks_pvalue: score.ks_pvalue, chi2_pvalue: undefined }
    : { psi: score.psi, ks_statistic: undefined, ks_pvalue: undefined, chi2_pvalue: score.chi2_pvalue };
}

export function publishDrift(metrics: Metrics, report: MonitoringReport): void {
  const base = { model: report.model, version: report.version };
  for (const score of report.features) {
    const labels = { ...base, feature: score.feature };
    const values = scoreValues(score);
    for (const method of methods) setOrRemove(metrics.featureDrift, { ...labels, method }, values[method]);
    setOrRemove(metrics.featureDrifted, labels, score.samples > 0 ? Number(score.drifted) : null);
  }
  if (report.prediction) {
    const values = scoreValues(report.prediction);
    for (const method of methods) setOrRemove(metrics.predictionDrift, { ...base, method }, values[method]);
  }
  metrics.modelDrifted.set(base, Number(report.drifted));
  metrics.driftWindowRows.set(base, report.sample_size);
}

export function publishAccuracy(metrics: Metrics, model: string, version: string, accuracy: FeedbackReport): void {
  const labels = { model, version };
  setOrRemove(metrics.liveAccuracy, labels, accuracy.accuracy);
  setOrRemove(metrics.liveMae, labels, accuracy.mae);
  setOrRemove(metrics.liveRmse, labels, accuracy.rmse);
  metrics.feedbackSamples.set(labels, accuracy.samples);
}

/** Drop every series of a version that stopped serving. */
export function clearVersion(metrics: Metrics, model: string, version: string, features: readonly string[]): void {
  const base = { model, version };
  for (const feature of features) {
    for (const method of methods) metrics.featureDrift.remove({ ...base, feature, method });
    metrics.featureDrifted.remove({ ...base, feature });
  }
  for (const method of methods) metrics.predictionDrift.remove({ ...base, method });
  for (const gauge of [
    metrics.modelDrifted,
    metrics.driftWindowRows,
    metrics.liveAccuracy,
    metrics.liveMae,
    metrics.liveRmse,
    metrics.feedbackSamples,
  ])
    gauge.remove(base);
}

type Labels = Record<string, string>;

function setOrRemove(
  gauge: { set(labels: Labels, value: number): void; remove(labels: Labels): void },
  labels: Labels,
  value: number | null | undefined,
): void {
  if (value === null || value === undefined || !Number.isFinite(value)) gauge.remove(labels);
  else gauge.set(labels, value);
}
