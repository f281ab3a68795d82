/**
 * Drift detection for one model version: `observe()` copies inputs and predictions into a
 * sliding window (the only work on the request path), `report()` compares the window with the
 * reference profile — the server calls it on a timer or on GET /v2/models/{name}/drift.
 *
 * Per numeric feature: PSI over the reference decile buckets and the two-sample KS test; per
 * categorical feature: PSI and the chi-square test of homogeneity. A feature is flagged when it
 * has at least `minSamples` live values and PSI > thresholds.psi or the test's p-value is below
 * its threshold. The KS test compares equal-sized samples — k = min(live values, reference
 * sample) live values spread evenly over the window against the first k values of the (randomly
 * ordered) reference sample — which puts scipy's exact algorithm on its O(n) path: a report costs
 * milliseconds even under heavy drift, where unequal sizes cost up to ~0.8 s per feature.
 */
import { defaults } from '../../core/defaults.js';
import { chiSquareContingency } from './chi-square.js';
import type { FeedbackReport, FeedbackTracker } from './feedback.js';
import { ks2Sample } from './ks.js';
import { otherCategory, type CategoricalProfile, type FeatureProfile, type NumericProfile, type ReferenceProfile } from './profile.js';
import { alignCategories, numericPsi, proportions, psi } from './psi.js';
import { evenlySpaced } from './sample.js';
import { toCategory, toNumber } from './values.js';
import { SlidingWindow } from './window.js';

export interface DriftThresholds {
  psi: number;
  ksPValue: number;
  chi2PValue: number;
}

export interface DriftDetectorOptions {
  windowRows?: number;
  windowSeconds?: number;
  minSamples?: number;
  psiEpsilon?: number;
  thresholds?: Partial<DriftThresholds>;
  /** Live accuracy to include in the report. */
  feedback?: FeedbackTracker;
}

interface ScoreBase {
  feature: string;
  /** Non-missing live values compared. */
  samples: number;
  missing_rate: number;
  reference_missing_rate: number;
  psi: number | null;
  drifted: boolean;
  /** Which tests crossed their threshold: 'psi', 'ks', 'chi2'. */
  reasons: string[];
}

export interface NumericDriftScore extends ScoreBase {
  kind: 'numeric';
  ks_statistic: number | null;
  ks_pvalue: number | null;
  /** Size of each of the two samples the KS test compared. */
  ks_samples: number;
  mean: number | null;
  reference_mean: number | null;
}

export interface CategoricalDriftScore extends ScoreBase {
  kind: 'categorical';
  chi2: number | null;
  chi2_pvalue: number | null;
  dof: number;
}

export type DriftScore = NumericDriftScore | CategoricalDriftScore;

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
    this.columns = profile.prediction ? [...profile.features, profile.prediction] : [...profile.features];
    this.predictionColumn = profile.prediction ? this.columns.length - 1 : -1;
    this.window = new SlidingWindow(
      this.columns.map((column) => (column.kind === 'numeric' ? 'number' : 'string')),
      { maxRows: options.windowRows ?? drift.windowRows, maxAgeMs: (options.windowSeconds ?? drift.windowSeconds) * 1000 },
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
        const value = positional ? (row as ArrayLike<unknown>)[c] : (row as Record<string, unknown>)[this.columns[c]!.name];
        this.write(c, slot, value);
      }
      if (this.predictionColumn >= 0 && predictions) this.write(this.predictionColumn, slot, predictions[r]);
    }
  }

  /** Record a row-major [rows × features] matrix, as a batch tensor carries it. */
  observeMatrix(values: ArrayLike<number>, rowCount: number, predictions?: ArrayLike<unknown>, now: number = Date.now()): void {
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
    return profile.kind === 'numeric' ? this.scoreNumeric(profile, column) : this.scoreCategorical(profile, column);
  }

  private scoreNumeric(profile: NumericProfile, column: number): NumericDriftScore {
    const values = this.window.numbers(column);
    const samples = values.length;
    const comparable = samples > 0 && profile.count > 0;
    const psiValue = comparable ? numericPsi(profile.cuts, profile.proportions, values, this.epsilon) : null;
    const k = Math.min(samples, profile.sample.length);
    const ks = k > 0 ? ks2Sample(this.referenceSample(profile, column, k), evenlySpaced(values, k).sort()) : null;
    const reasons: string[] = [];
    if (samples >= this.minSamples) {
      if (psiValue !== null && psiValue > this.thresholds.psi) reasons.push('psi');
      if (ks && ks.pvalue < this.thresholds.ksPValue) reasons.push('ks');
    }
    let sum = 0;
    for (let i = 0; i < samples; i++) sum += values[i]!;
    return {
      feature: profile.name,
      kind: 'numeric',
      samples,
      missing_rate: this.window.size > 0 ? (this.window.size - samples) / this.window.size : 0,
      reference_missing_rate: profile.missingRate,
      psi: psiValue,
      ks_statistic: ks ? ks.statistic : null,
      ks_pvalue: ks ? ks.pvalue : null,
      ks_samples: k,
      mean: samples > 0 ? sum / samples : null,
      reference_mean: profile.mean,
      drifted: reasons.length > 0,
      reasons,
    };
  }

  private scoreCategorical(profile: CategoricalProfile, column: number): CategoricalDriftScore {
    const { counts: raw, missing } = this.window.counts(column);
    const known = new Map(profile.categories.map((entry) => [entry.value, entry.count]));
    if (profile.otherCount > 0) known.set(otherCategory, profile.otherCount);
    // Live values outside the stored categories belong to the reference's "other" bucket when
    // it has one (they may be among the rare ones left out); otherwise they are new categories.
    const live = new Map<string, number>();
    for (const [key, count] of raw) {
      const bucket = known.has(key) || profile.otherCount === 0 ? key : otherCategory;
      live.set(bucket, (live.get(bucket) ?? 0) + count);
    }
    const samples = this.window.size - missing;
    const aligned = alignCategories(known, live);
    const comparable = samples > 0 && profile.count > 0;
    const psiValue = comparable ? psi(proportions(aligned.reference), proportions(aligned.current), this.epsilon) : null;
    const chi = comparable ? chiSquareContingency([aligned.reference, aligned.current]) : null;
    const reasons: string[] = [];
    if (samples >= this.minSamples) {
      if (psiValue !== null && psiValue > this.thresholds.psi) reasons.push('psi');
      if (chi && chi.dof > 0 && chi.pvalue < this.thresholds.chi2PValue) reasons.push('chi2');
    }
    return {
      feature: profile.name,
      kind: 'categorical',
      samples,
      missing_rate: this.window.size > 0 ? missing / this.window.size : 0,
      reference_missing_rate: profile.missingRate,
      psi: psiValue,
      chi2: chi ? chi.statistic : null,
      chi2_pvalue: chi ? chi.pvalue : null,
      dof: chi ? chi.dof : 0,
      drifted: reasons.length > 0,
      reasons,
    };
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
