/**
 * Drift scores of one feature (or of the predictions), pure functions of the reference profile
 * and the live values. Numeric: PSI over the reference quantile buckets and the two-sample KS
 * test; categorical: PSI and the chi-square test of homogeneity (reference counts vs live counts).
 * A feature is flagged when it has at least `minSamples` live values and PSI exceeds its
 * threshold or the test's p-value falls below its threshold; `reasons` says which.
 */
import { chiSquareContingency } from './chi-square.js';
import { ks2Sample } from './ks.js';
import { otherCategory, type CategoricalProfile, type NumericProfile } from './profile.js';
import { alignCategories, numericPsi, proportions, psi } from './psi.js';
import { evenlySpaced } from './sample.js';

export interface DriftThresholds {
  psi: number;
  ksPValue: number;
  chi2PValue: number;
}

export interface ScoreSettings {
  thresholds: DriftThresholds;
  minSamples: number;
  epsilon: number;
}

export interface ScoreBase {
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

/**
 * Numeric scores. `values` are the window's non-missing values (oldest first); `referenceSorted`
 * is the first k values of the profile's sample, sorted, k = min(values, sample) — the KS test
 * compares it with k live values spread evenly over the window.
 */
export function scoreNumeric(
  profile: NumericProfile,
  values: Float64Array,
  windowRows: number,
  referenceSorted: Float64Array,
  settings: ScoreSettings,
): NumericDriftScore {
  const samples = values.length;
  const comparable = samples > 0 && profile.count > 0;
  const psiValue = comparable ? numericPsi(profile.cuts, profile.proportions, values, settings.epsilon) : null;
  const k = referenceSorted.length;
  const ks = k > 0 && samples > 0 ? ks2Sample(referenceSorted, evenlySpaced(values, k).sort()) : null;
  const reasons: string[] = [];
  if (samples >= settings.minSamples) {
    if (psiValue !== null && psiValue > settings.thresholds.psi) reasons.push('psi');
    if (ks && ks.pvalue < settings.thresholds.ksPValue) reasons.push('ks');
  }
  let sum = 0;
  for (let i = 0; i < samples; i++) sum += values[i]!;
  return {
    feature: profile.name,
    kind: 'numeric',
    samples,
    missing_rate: windowRows > 0 ? (windowRows - samples) / windowRows : 0,
    reference_missing_rate: profile.missingRate,
    psi: psiValue,
    ks_statistic: ks ? ks.statistic : null,
    ks_pvalue: ks ? ks.pvalue : null,
    ks_samples: ks ? k : 0,
    mean: samples > 0 ? sum / samples : null,
    reference_mean: profile.mean,
    drifted: reasons.length > 0,
    reasons,
  };
}

/** Categorical scores from the window's counts per category key and its missing count. */
export function scoreCategorical(
  profile: CategoricalProfile,
  counts: ReadonlyMap<string, number>,
  missing: number,
  windowRows: number,
  settings: ScoreSettings,
): CategoricalDriftScore {
  const known = new Map(profile.categories.map((entry) => [entry.value, entry.count]));
  if (profile.otherCount > 0) known.set(otherCategory, profile.otherCount);
  // Live values outside the stored categories belong to the reference's "other" bucket when
  // it has one (they may be among the rare ones left out); otherwise they are new categories.
  const live = new Map<string, number>();
  for (const [key, count] of counts) {
    const bucket = known.has(key) || profile.otherCount === 0 ? key : otherCategory;
    live.set(bucket, (live.get(bucket) ?? 0) + count);
  }
  const samples = windowRows - missing;
  const aligned = alignCategories(known, live);
  const comparable = samples > 0 && profile.count > 0;
  const psiValue = comparable
    ? psi(proportions(aligned.reference), proportions(aligned.current), settings.epsilon)
    : null;
  const chi = comparable ? chiSquareContingency([aligned.reference, aligned.current]) : null;
  const reasons: string[] = [];
  if (samples >= settings.minSamples) {
    if (psiValue !== null && psiValue > settings.thresholds.psi) reasons.push('psi');
    if (chi && chi.dof > 0 && chi.pvalue < settings.thresholds.chi2PValue) reasons.push('chi2');
  }
  return {
    feature: profile.name,
    kind: 'categorical',
    samples,
    missing_rate: windowRows > 0 ? missing / windowRows : 0,
    reference_missing_rate: profile.missingRate,
    psi: psiValue,
    chi2: chi ? chi.statistic : null,
    chi2_pvalue: chi ? chi.pvalue : null,
    dof: chi ? chi.dof : 0,
    drifted: reasons.length > 0,
    reasons,
  };
}
