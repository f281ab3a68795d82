/**
 * Monitoring of one served model version: a drift detector over its inputs and predictions (when
 * it has a reference profile) and a feedback tracker for live accuracy. `observe()` is the only
 * part on the request path — an O(rows) copy; the report is computed on demand, yielding between
 * feature chunks, and cached briefly so a dashboard polling it costs one computation per TTL.
 */
import type { Settings } from '../../core/config.js';
import type { InferenceEvent } from '../../core/inference.js';
import { FeedbackTracker, type FeedbackOutcome, type FeedbackReport } from '../accuracy/feedback-tracker.js';
import { ChunkedDriftDetector } from './chunked-detector.js';
import { publicReport, type MonitoringReport } from './drift-rule.js';
import { extractPredictions, extractRows, normalizeTruth, type FeaturePlan, type PredictionPlan } from './extract.js';
import type { Reference } from './reference.js';

export interface VersionMonitorOptions {
  model: string;
  version: string;
  settings: Settings['monitoring'];
  features: FeaturePlan | null;
  prediction: PredictionPlan | null;
  reference: Reference | null;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VersionMonitor {
  readonly model: string;
  readonly version: string;
  readonly reference: Reference | null;
  readonly detector: ChunkedDriftDetector | null;
  readonly feedback: FeedbackTracker | null;
  private readonly features: FeaturePlan | null;
  private readonly prediction: PredictionPlan | null;
  private readonly settings: Settings['monitoring'];
  private cached: { at: number; report: MonitoringReport } | null = null;
  private computing: Promise<MonitoringReport> | null = null;

  constructor(options: VersionMonitorOptions) {
    this.model = options.model;
    this.version = options.version;
    this.settings = options.settings;
    this.features = options.features;
    this.prediction = options.prediction;
    this.reference = options.reference;
    const { drift, feedback } = options.settings;
    this.detector =
      options.reference && options.features
        ? new ChunkedDriftDetector(
            options.reference.profile,
            {
              windowRows: drift.windowRows,
              windowSeconds: drift.windowSeconds,
              minSamples: drift.minSamples,
              psiEpsilon: drift.psiEpsilon,
              thresholds: {
                psi: drift.psiThreshold,
                ksPValue: drift.ksPValueThreshold,
                chi2PValue: drift.chi2PValueThreshold,
              },
            },
            drift.reportChunkFeatures,
          )
        : null;
    this.feedback = options.prediction
      ? new FeedbackTracker({
          task: options.prediction.task,
          maxPending: feedback.maxPending,
          windowRows: feedback.windowRows,
          windowSeconds: feedback.windowSeconds,
        })
      : null;
  }

  get task() {
    return this.prediction?.task ?? null;
  }

  /** The request path: copy the rows and predictions into the window, remember the predictions by request id. */
  observe(event: InferenceEvent, now: number): void {
    if (!event.response) return;
    const predictions = this.prediction ? extractPredictions(event.response, this.prediction) : null;
    if (this.detector && this.features) {
      const rows = extractRows(event.request, this.features);
      if (rows)
        this.detector.observeMatrix(
          rows.values,
          rows.rows,
          predictions && predictions.length === rows.rows ? predictions : undefined,
          now,
        );
    }
    if (this.feedback && predictions && event.requestId !== undefined)
      this.feedback.recordPrediction(event.requestId, predictions, now);
  }

  /** Predictions of a response, as the window and the feedback tracker see them. */
  predictionsOf(response: InferenceEvent['response']): unknown[] | null {
    return response && this.prediction ? extractPredictions(response, this.prediction) : null;
  }

  /** Feedback for a remembered prediction; throws unknownPredictionId / badFeedbackValue. */
  feedbackById(requestId: string, truth: unknown, now: number): FeedbackOutcome {
    return this.feedback!.feedback(requestId, this.normalize(truth), now);
  }

  /** Feedback with the predictions made for it just now (feedback by inputs). */
  feedbackByOutcome(predictions: unknown[], truths: unknown[], now: number): FeedbackOutcome {
    return this.feedback!.recordOutcome(
      predictions,
      truths.map((truth) => this.normalize(truth)),
      now,
    );
  }

  private normalize(truth: unknown): unknown {
    if (!this.prediction) return truth;
    return Array.isArray(truth)
      ? truth.map((value) => normalizeTruth(value, this.prediction!))
      : normalizeTruth(truth, this.prediction);
  }

  accuracy(now: number): FeedbackReport | null {
    return this.feedback?.report(now) ?? null;
  }

  /** The drift report, or null without a reference profile. `fresh` skips the cache (the timer). */
  async report(now: number, fresh = false): Promise<MonitoringReport | null> {
    if (!this.detector || !this.reference) return null;
    const cacheMs = this.settings.drift.reportCacheSeconds * 1000;
    if (!fresh && this.cached && now - this.cached.at < cacheMs) return this.cached.report;
    // Concurrent callers share one computation.
    this.computing ??= this.compute(now).finally(() => {
      this.computing = null;
    });
    return this.computing;
  }

  private async compute(now: number): Promise<MonitoringReport> {
    const drift = await this.detector!.report(now, nextTurn);
    const report = publicReport(
      drift,
      { ksStatistic: this.settings.drift.ksStatisticThreshold },
      {
        model: this.model,
        version: this.version,
        reference: { source: this.reference!.source, rows: this.reference!.profile.rows },
        accuracy: this.accuracy(now) ?? emptyAccuracy,
      },
    );
    this.cached = { at: now, report };
    return report;
  }
}

const emptyAccuracy: FeedbackReport = {
  task: 'regression',
  samples: 0,
  accuracy: null,
  mae: null,
  rmse: null,
  pending: 0,
  received: 0,
  unmatched: 0,
};
