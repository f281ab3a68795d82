import type { OutputParity, ParityTolerance } from '../core/parity-report.js';
import type { RowPrediction } from '../protocol/rows-answer.js';

/**
 * Compares the original model's answers with the served model's, output by output (pure). Labels
 * agree when they are the same class, or when the original rates both classes equally within the
 * tolerance (a tie either side may break); probabilities and values agree element by element when
 * |served − original| ≤ abs + rel·|original|.
 */
export interface Expected {
  labels?: Array<number | string>;
  probabilities?: number[][];
  values?: number[] | number[][];
}

export function compareOutputs(
  expected: Expected,
  served: RowPrediction[],
  classes: Array<number | string>,
  classNames: string[],
  tolerance: ParityTolerance,
  worstRows: number,
): OutputParity[] {
  const outputs: OutputParity[] = [];
  if (expected.labels)
    outputs.push(compareLabels(expected.labels, expected.probabilities, served, classes, tolerance, worstRows));
  if (expected.probabilities) {
    const servedRows = served.map((row) => classNames.map((name) => row.probabilities?.[name] ?? Number.NaN));
    outputs.push(compareNumbers('probabilities', expected.probabilities, servedRows, tolerance, worstRows));
  }
  if (expected.values) {
    const servedRows = served.map((row) =>
      Array.isArray(row.prediction) ? (row.prediction as number[]) : [row.prediction as number],
    );
    const expectedRows = (expected.values as Array<number | number[]>).map((value) =>
      Array.isArray(value) ? value : [value],
    );
    outputs.push(compareNumbers('values', expectedRows, servedRows, tolerance, worstRows));
  }
  return outputs;
}

function compareLabels(
  labels: Array<number | string>,
  probabilities: number[][] | undefined,
  served: RowPrediction[],
  classes: Array<number | string>,
  tolerance: ParityTolerance,
  worstRows: number,
): OutputParity {
  const classIndex = new Map(classes.map((label, index) => [String(label), index]));
  let disagreements = 0;
  let ties = 0;
  const worst: OutputParity['worst'] = [];
  labels.forEach((label, row) => {
    const got = served[row]?.prediction;
    if (String(got) === String(label)) return;
    const p = probabilities?.[row];
    const mine = classIndex.get(String(label));
    const theirs = classIndex.get(String(got));
    if (
      p &&
      mine !== undefined &&
      theirs !== undefined &&
      Math.abs(p[mine]! - p[theirs]!) <= tolerance.abs + tolerance.rel * Math.abs(p[mine]!)
    ) {
      ties++;
      return;
    }
    disagreements++;
    if (worst.length < worstRows) worst.push({ row, original: label, served: got });
  });
  const agreement = labels.length === 0 ? 1 : (labels.length - disagreements) / labels.length;
  return {
    output: 'labels',
    passed: agreement >= tolerance.agreement,
    rows: labels.length,
    agreement,
    disagreements,
    ties,
    worst,
  };
}

function compareNumbers(
  output: 'probabilities' | 'values',
  expected: number[][],
  served: number[][],
  tolerance: ParityTolerance,
  worstRows: number,
): OutputParity {
  let maxAbsError = 0;
  let maxRelError = 0;
  let beyondTolerance = 0;
  const perRow: Array<{ row: number; absError: number; beyond: boolean }> = [];
  expected.forEach((want, row) => {
    const got = served[row] ?? [];
    let rowError = want.length === got.length ? 0 : Number.POSITIVE_INFINITY;
    let beyond = want.length !== got.length;
    want.forEach((value, column) => {
      const actual = got[column];
      // NaN on either side (a missing output) is the largest error there is.
      const error =
        actual === undefined || Number.isNaN(actual) !== Number.isNaN(value)
          ? Number.POSITIVE_INFINITY
          : Number.isNaN(value)
            ? 0
            : Math.abs(actual - value);
      if (error > tolerance.abs + tolerance.rel * Math.abs(value)) {
        beyondTolerance++;
        beyond = true;
      }
      rowError = Math.max(rowError, error);
      // Relative error of values near zero says nothing: only where the value exceeds abs.
      if (Math.abs(value) > tolerance.abs) maxRelError = Math.max(maxRelError, error / Math.abs(value));
    });
    maxAbsError = Math.max(maxAbsError, rowError);
    perRow.push({ row, absError: rowError, beyond });
  });
  // Failing: the rows beyond the tolerance; passing: the largest differences, for the record.
  const worst = perRow
    .filter((entry) => (beyondTolerance > 0 ? entry.beyond : entry.absError > 0))
    .sort((a, b) => b.absError - a.absError)
    .slice(0, worstRows)
    .map(({ row, absError }) => ({
      row,
      original: unwrap(expected[row]!),
      served: unwrap(served[row] ?? []),
      absError: finite(absError),
    }));
  return {
    output,
    passed: beyondTolerance === 0,
    rows: expected.length,
    maxAbsError: finite(maxAbsError),
    maxRelError: finite(maxRelError),
    beyondTolerance,
    worst,
  };
}

const unwrap = (values: number[]) => (values.length === 1 ? values[0] : values);

/** JSON has no Infinity: a missing answer is reported as the largest finite double. */
const finite = (value: number) => (Number.isFinite(value) ? value : Number.MAX_VALUE);
