/**
 * Drift detection for one model version: `observe()` copies inputs and predictions into a
 * sliding window (the only work on the request path), `report()` compares the window with the
 * reference profile — the server calls it on a timer or on GET /v2/models/{name}/drift.
 *
 * What is computed per feature, and when it is flagged, is in scores.ts. The KS test compares
 * equal-sized samples — k = min(live values, reference sample) live values spread evenly over
 * the window against the first k values of the (randomly ordered) reference sample — which puts
 * scipy's exact algorithm on its O(n) path: a report costs milliseconds even under heavy drift,
 * where unequal sizes cost up to ~0.7 s per feature (bench/drift-overhead.ts).
 */
import { defaults } from '../../core/defaults.js';
import { errors } from '../../core/errors.js';
import type { FeedbackReport, FeedbackTracker } from '../accuracy/feedback-tracker.js';
import type { FeatureProfile, NumericProfile, ReferenceProfile } from './profile.js';
import { scoreCategorical, scoreNumeric, type DriftScore, type DriftThresholds } from './scores.js';
import { toCategory, toNumber } from './feature-values.js';
import { SlidingWindow } from './window.js';

export type { CategoricalDriftScore, DriftScore, DriftThresholds, NumericDriftScore } from './scores.js';

export interface DriftDetectorOptions {
  windowRows?: number;
  windowSeconds?: number;
  minSamples?: number;
  psiEpsilon?: number;
  thresholds?: Partial<DriftThresholds>;
  /** Live accuracy to include in the report. */
  feedback?: FeedbackTracker;
}

export interface DriftReport {
  generated_at: string;
  /** Rows in the window. */
  sample_size: number;
  window: { start: string | null; end: string | null; span_seconds: number; max_rows: number; max_age_seconds: number };
  thresholds: DriftThresholds & { min_samples: number };
  drifted: boolean;
  drifted_features: string[];
  features: DriftScore[];
  prediction: DriftScore | null;
  accuracy?: FeedbackReport;
}

/** A row as the server has it: an object keyed by feature name, or values in feature order. */
export type ObservedRow = Readonly<Record<string, unknown>> | ReadonlyArray<unknown> | ArrayLike<number>;

export class DriftDetector {
  readonly profile: ReferenceProfile;
  readonly thresholds: DriftThresholds;
  readonly minSamples: number;
  private readonly epsilon: number;
  private readonly window: SlidingWindow;
  private readonly columns: FeatureProfile[];
  private readonly predictionColumn: number;
  private readonly feedback: FeedbackTracker | undefined;
  private readonly sortedSamples = new Map<number, { k: number; sorted: Float64Array }>();

  constructor(profile: ReferenceProfile, options: DriftDetectorOptions = {}) {
    const drift = defaults.monitoring.drift;
    this.profile = profile;
    this.thresholds = {
      psi: options.thresholds?.psi ?? drift.psiThreshold,
      ksPValue: options.thresholds?.ksPValue ?? drift.ksPValueThreshold,
      chi2PValue: options.thresholds?.chi2PValue ?? drift.chi2PValueThreshold,
    };
    this.minSamples = options.minSamples ?? drift.minSamples;
    this.epsilon = options.psiEpsilon ?? drift.psiEpsilon;
    this.feedback = options.feedback;
    const windowRows = options.windowRows ?? drift.windowRows;
    const windowSeconds = options.windowSeconds ?? drift.windowSeconds;
    checkSetting('windowRows', windowRows, Number.isInteger(windowRows) && windowRows >= 1, 'an integer ≥ 1');
    checkSetting('windowSeconds', windowSeconds, windowSeconds > 0, 'positive');
    checkSetting(
      'minSamples',
      this.minSamples,
      Number.isInteger(this.minSamples) && this.minSamples >= 0,
      'an integer ≥ 0',
    );
    checkSetting('psiEpsilon', this.epsilon, this.epsilon > 0 && this.epsilon < 1, 'between 0 and 1');
    checkSetting('psiThreshold', this.thresholds.psi, this.thresholds.psi >= 0, '≥ 0');
    checkSetting(
      'ksPValueThreshold',
      this.thresholds.ksPValue,
      this.thresholds.ksPValue > 0 && this.thresholds.ksPValue < 1,
      'between 0 and 1',
    );
    checkSetting(
      'chi2PValueThreshold',
      this.thresholds.chi2PValue,
      this.thresholds.chi2PValue > 0 && this.thresholds.chi2PValue < 1,
      'between 0 and 1',
    );
    this.columns = profile.prediction ? [...profile.features, profile.prediction] : [...profile.features];
    this.predictionColumn = profile.prediction ? this.columns.length - 1 : -1;
    this.window = new SlidingWindow(
      this.columns.map((column) => (column.kind === 'numeric' ? 'number' : 'string')),
      { maxRows: windowRows, maxAgeMs: windowSeconds * 1000 },
    );
  }

  /** Record rows (and their predictions) seen at `now`: a copy into the window, nothing else. */
  observe(rows: ReadonlyArray<ObservedRow>, predictions?: ArrayLike<unknown>, now: number = Date.now()): void {
    this.window.evict(now);
    const featureCount = this.profile.features.length;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const positional = Array.isArray(row) || ArrayBuffer.isView(row);
      const slot = this.window.append(now);
      for (let c = 0; c < featureCount; c++) {
        const value = positional
          ? (row as ArrayLike<unknown>)[c]
          : (row as Record<string, unknown>)[this.columns[c]!.name];
        this.write(c, slot, value);
      }
      if (this.predictionColumn >= 0 && predictions) this.write(this.predictionColumn, slot, predictions[r]);
    }
  }

  /** Record a row-major [rows × features] matrix, as a batch tensor carries it. */
  observeMatrix(
    values: ArrayLike<number>,
    rowCount: number,
    predictions?: ArrayLike<unknown>,
    now: number = Date.now(),
  ): void {
    this.window.evict(now);
    const featureCount = this.profile.features.length;
    for (let r = 0; r < rowCount; r++) {
      const slot = this.window.append(now);
      for (let c = 0; c < featureCount; c++) this.write(c, slot, values[r * featureCount + c]);
      if (this.predictionColumn >= 0 && predictions) this.write(this.predictionColumn, slot, predictions[r]);
    }
  }

  private write(column: number, slot: number, value: unknown): void {
    const profile = this.columns[column]!;
    if (profile.kind === 'numeric') this.window.setNumber(column, slot, toNumber(value));
    else this.window.setString(column, slot, toCategory(value, profile.valueType === 'number'));
  }

  /** Compare the current window with the reference. Pure with respect to the window's contents. */
  report(now: number = Date.now()): DriftReport {
    this.window.evict(now);
    const features = this.profile.features.map((profile, column) => this.score(profile, column));
    const prediction = this.profile.prediction ? this.score(this.profile.prediction, this.predictionColumn) : null;
    const span = this.window.span();
    const drifted = features.filter((score) => score.drifted).map((score) => score.feature);
    const report: DriftReport = {
      generated_at: new Date(now).toISOString(),
      sample_size: this.window.size,
      window: {
        start: span ? new Date(span.oldest).toISOString() : null,
        end: span ? new Date(span.newest).toISOString() : null,
        span_seconds: span ? (span.newest - span.oldest) / 1000 : 0,
        max_rows: this.window.capacity,
        max_age_seconds: this.window.maxAgeMs / 1000,
      },
      thresholds: { ...this.thresholds, min_samples: this.minSamples },
      drifted: drifted.length > 0 || (prediction?.drifted ?? false),
      drifted_features: drifted,
      features,
      prediction,
    };
    if (this.feedback) report.accuracy = this.feedback.report(now);
    return report;
  }

  /** Forget every observed row (e.g. after a new version is rolled out). */
  reset(): void {
    this.window.clear();
  }

  private score(profile: FeatureProfile, column: number): DriftScore {
    const settings = { thresholds: this.thresholds, minSamples: this.minSamples, epsilon: this.epsilon };
    if (profile.kind === 'categorical') {
      const { counts, missing } = this.window.counts(column);
      return scoreCategorical(profile, counts, missing, this.window.size, settings);
    }
    const values = this.window.numbers(column);
    const k = Math.min(values.length, profile.sample.length);
    return scoreNumeric(
      profile,
      values,
      this.window.size,
      k > 0 ? this.referenceSample(profile, column, k) : new Float64Array(0),
      settings,
    );
  }

  /** The first k reference sample values, sorted; cached while k stays the same. */
  private referenceSample(profile: NumericProfile, column: number, k: number): Float64Array {
    const cached = this.sortedSamples.get(column);
    if (cached && cached.k === k) return cached.sorted;
    const sorted = Float64Array.from(profile.sample.slice(0, k)).sort();
    this.sortedSamples.set(column, { k, sorted });
    return sorted;
  }
}

function checkSetting(key: string, value: number, ok: boolean, expected: string): void {
  if (!ok) throw errors.badMonitoringSetting(`monitoring.drift.${key}`, `must be ${expected}, got ${value}`);
}
