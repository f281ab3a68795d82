/**
 * What `berth import` proved about a converted model: the original model and Berth's runtime
 * predicted the same rows, output by output. Written beside the model (parity.json), kept in the
 * registry version it was registered as, and summed up in `/v2/models/{name}` parameters.
 */
export interface ParityReport {
  format: 'berth.parity/v1';
  passed: boolean;
  /** The artifact's file name. */
  artifact: string;
  estimator: string;
  kind: 'classifier' | 'regressor';
  framework: { name: string; version: string | null };
  /** null for an .onnx artifact (no conversion). */
  converter: { name: string; version: string | null } | null;
  python: { executable: string; version: string };
  rows: { count: number; source: 'sample' | 'generated'; how: string };
  tolerance: ParityTolerance;
  outputs: OutputParity[];
  /** Share of rows whose served label matches the sample's target column, when it has one. */
  target?: { column: string; accuracy: number; originalAccuracy: number };
  warnings: string[];
}

export interface ParityTolerance {
  /** An element agrees when |served − original| ≤ abs + rel·|original|. */
  abs: number;
  rel: number;
  /** Share of rows whose labels must agree (a tie of the original's top probabilities agrees). */
  agreement: number;
}

export interface OutputParity {
  output: 'labels' | 'probabilities' | 'values';
  passed: boolean;
  rows: number;
  /** labels: share of rows that agree. */
  agreement?: number;
  disagreements?: number;
  /** labels: rows where the two picked different classes the original rates equally. */
  ties?: number;
  maxAbsError?: number;
  maxRelError?: number;
  /** values and probabilities: elements beyond the tolerance. */
  beyondTolerance?: number;
  /** The worst rows (0-based, in sample order), worst first. */
  worst: Array<{ row: number; original: unknown; served: unknown; absError?: number }>;
}

/** `model.joblib: RandomForestClassifier (scikit-learn 1.6.1) via skl2onnx 1.18.0`. */
export function importedFrom(report: ParityReport): string {
  const framework = [report.framework.name, report.framework.version].filter(Boolean).join(' ');
  const converter = report.converter
    ? ` via ${[report.converter.name, report.converter.version].filter(Boolean).join(' ')}`
    : '';
  return `${report.artifact}: ${report.estimator} (${framework})${converter}`;
}

/** One line: `passed on 150 sample rows: labels 150/150, probabilities max abs error 6e-8`. */
export function paritySummary(report: ParityReport): string {
  const parts = report.outputs.map((output) => {
    if (output.output === 'labels')
      return `labels ${output.rows - (output.disagreements ?? 0)}/${output.rows}${output.ties ? ` (${output.ties} ties)` : ''}`;
    return `${output.output} max abs error ${formatError(output.maxAbsError ?? 0)}`;
  });
  return `${report.passed ? 'passed' : 'FAILED'} on ${report.rows.count} ${report.rows.source} rows: ${parts.join(', ')}`;
}

/** 6.6e-7, 0.00012 → 1.2e-4, 117: two significant digits, exponent form below 0.01. */
export function formatError(value: number): string {
  if (value === 0) return '0';
  return Math.abs(value) < 0.01 ? value.toExponential(1).replace('.0e', 'e') : String(Number(value.toPrecision(3)));
}
