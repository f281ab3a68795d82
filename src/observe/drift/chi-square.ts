/**
 * Chi-square tests for categorical drift, matching scipy.stats.chisquare (goodness of fit) and
 * scipy.stats.chi2_contingency (test of homogeneity, Yates' correction on 2×2 as scipy's default).
 *
 * The detector uses the contingency form, reference counts vs window counts: it treats the
 * reference as a sample too, and a category that only appears live (expected 0 in a
 * goodness-of-fit test, an infinite statistic) is handled by pooling.
 */
import { chiSquareSurvival } from './special.js';

export interface ChiSquareResult {
  statistic: number;
  pvalue: number;
  dof: number;
}

/**
 * Pearson goodness of fit, scipy.stats.chisquare(f_obs, f_exp): expected frequencies are used
 * as given (scipy requires their sum to match the observed sum to 1e-8 relative; so do we).
 */
export function chiSquareGoodnessOfFit(observed: ArrayLike<number>, expected: ArrayLike<number>): ChiSquareResult {
  if (observed.length !== expected.length) throw new RangeError('chi-square: observed and expected differ in length');
  let statistic = 0;
  let observedSum = 0;
  let expectedSum = 0;
  for (let k = 0; k < observed.length; k++) {
    statistic += (observed[k]! - expected[k]!) ** 2 / expected[k]!;
    observedSum += observed[k]!;
    expectedSum += expected[k]!;
  }
  if (Math.abs(observedSum - expectedSum) > 1e-8 * Math.min(observedSum, expectedSum)) {
    throw new RangeError(`chi-square: observed sum ${observedSum} differs from expected sum ${expectedSum}`);
  }
  const dof = observed.length - 1;
  return { statistic, pvalue: chiSquareSurvival(statistic, dof), dof };
}

/**
 * Test of homogeneity of the rows of an r×c table of counts, scipy.stats.chi2_contingency with
 * its defaults (correction=True: with one degree of freedom each |O−E| is moved 0.5 towards E,
 * never past it). Columns whose total is zero carry no information and are dropped first —
 * scipy instead raises on a zero expected frequency; the detector's category union can contain
 * such columns (a category neither sample has in the window it looks at).
 */
export function chiSquareContingency(table: ReadonlyArray<ArrayLike<number>>): ChiSquareResult {
  const rows = table.length;
  const width = rows > 0 ? table[0]!.length : 0;
  const rowTotals = table.map((row) => sum(row));
  const columnTotals = new Float64Array(width);
  for (const row of table) for (let c = 0; c < width; c++) columnTotals[c]! += row[c]!;
  const kept = [...columnTotals.keys()].filter((c) => columnTotals[c]! > 0);
  const keptRows = rowTotals.filter((total) => total > 0).length;
  const dof = (keptRows - 1) * (kept.length - 1);
  if (dof <= 0) return { statistic: 0, pvalue: 1, dof: 0 };
  const grand = sum(rowTotals);
  let statistic = 0;
  for (let r = 0; r < rows; r++) {
    if (rowTotals[r] === 0) continue;
    for (const c of kept) {
      const expected = (rowTotals[r]! * columnTotals[c]!) / grand;
      let diff = table[r]![c]! - expected;
      if (dof === 1) diff = Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5);
      statistic += (diff * diff) / expected;
    }
  }
  return { statistic, pvalue: chiSquareSurvival(statistic, dof), dof };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}
