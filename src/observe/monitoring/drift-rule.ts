/**
 * The rule that turns scores into a flag, and the report's public JSON shape.
 *
 * The detector flags a numeric feature when PSI > psiThreshold OR the KS p-value < ksPValue. With
 * thousands of rows the p-value alone flags shifts far too small to matter (at 5 000 vs 5 000 a
 * KS statistic of 0.033 already gives p < 0.01 — a 0.08 sd mean shift), so the server's default
 * rule asks the KS test for both significance and size:
 *
 *   drifted = PSI > 0.2  OR  (KS p < 0.01 AND KS statistic > 0.1)      numeric features
 *   drifted = PSI > 0.2  OR  chi-square p < 0.01                       categorical features
 *
 * and never before `minSamples` live values. A KS statistic of 0.1 is about a 0.25 sd mean shift
 * of a normal feature; PSI 0.2 is the usual "significant shift" rule of thumb (~0.45 sd). Below
 * ~500 values per side the p-value is the binding condition, above it the statistic is.
 */
import type { DriftReport, DriftScore } from '../drift/detector.js';
import type { FeedbackReport } from '../accuracy/feedback-tracker.js';

export interface DriftRule {
  /** KS also needs its statistic above this; 0 = the p-value alone decides. */
  ksStatistic: number;
}

/** GET /v2/models/{name}/drift (documented at the top of docs/monitoring.md). */
export interface MonitoringReport {
  model: string;
  version: string;
  reference: { source: string; rows: number };
  generated_at: string;
  sample_size: number;
  window: DriftReport['window'];
  thresholds: { psi: number; ks_pvalue: number; ks_statistic: number; chi2_pvalue: number; min_samples: number };
  drifted: boolean;
  drifted_features: string[];
  features: DriftScore[];
  prediction: DriftScore | null;
  accuracy: FeedbackReport;
}

export function applyDriftRule(score: DriftScore, rule: DriftRule): DriftScore {
  if (score.kind !== 'numeric' || !score.reasons.includes('ks')) return score;
  if (score.ks_statistic !== null && score.ks_statistic > rule.ksStatistic) return score;
  const reasons = score.reasons.filter((reason) => reason !== 'ks');
  return { ...score, reasons, drifted: reasons.length > 0 };
}

export function publicReport(
  report: DriftReport,
  rule: DriftRule,
  about: { model: string; version: string; reference: { source: string; rows: number }; accuracy: FeedbackReport },
): MonitoringReport {
  const features = report.features.map((score) => applyDriftRule(score, rule));
  const prediction = report.prediction ? applyDriftRule(report.prediction, rule) : null;
  const driftedFeatures = features.filter((score) => score.drifted).map((score) => score.feature);
  return {
    model: about.model,
    version: about.version,
    reference: about.reference,
    generated_at: report.generated_at,
    sample_size: report.sample_size,
    window: report.window,
    thresholds: {
      psi: report.thresholds.psi,
      ks_pvalue: report.thresholds.ksPValue,
      ks_statistic: rule.ksStatistic,
      chi2_pvalue: report.thresholds.chi2PValue,
      min_samples: report.thresholds.min_samples,
    },
    drifted: driftedFeatures.length > 0 || (prediction?.drifted ?? false),
    drifted_features: driftedFeatures,
    features,
    prediction,
    accuracy: about.accuracy,
  };
}
