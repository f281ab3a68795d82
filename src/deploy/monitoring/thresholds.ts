import type { Settings } from '../../core/config.js';

/** What the alerts fire on and the dashboard draws as threshold lines. */
export interface AlertThresholds {
  /** PromQL range for rate() in alert expressions, e.g. '5m'. */
  rateWindow: string;
  errorRatio: number;
  sloP99Ms: number;
  /** PSI above which a feature counts as drifted (the server's own flag threshold). */
  driftPsi: number;
  minAccuracy: number;
  minFeedbackSamples: number;
  for: { errors: string; latency: string; notReady: string; drift: string; accuracy: string };
}

/**
 * From the resolved settings: berth.yaml `monitoring.alerts` over defaults.monitoring.alerts, and
 * the server's own PSI threshold (`monitoring.drift.psiThreshold`), so the alert fires on what the
 * pod itself flags as drift.
 */
export function alertThresholds(monitoring: Settings['monitoring']): AlertThresholds {
  const a = monitoring.alerts;
  return {
    rateWindow: a.rateWindow,
    errorRatio: a.errorRatio,
    sloP99Ms: a.sloP99Ms,
    driftPsi: monitoring.drift.psiThreshold,
    minAccuracy: a.minAccuracy,
    minFeedbackSamples: a.minFeedbackSamples,
    for: {
      errors: a.errorFor,
      latency: a.latencyFor,
      notReady: a.notReadyFor,
      drift: a.driftFor,
      accuracy: a.accuracyFor,
    },
  };
}
