/** The JSON the Python helper reads on stdin and writes as result.json (python/berth_import/main.py). */

export type Precision = 'float' | 'double';

export interface HelperRequest {
  artifact: string;
  kind: 'pickle' | 'xgboost' | 'lightgbm' | 'onnx';
  work: string;
  sample: string | null;
  /** --features: the sample's columns to use, in the model's order. */
  features: string[] | null;
  precision: Precision;
  generatedRows: number;
  maxSampleRows: number;
  missingShare: number;
  seed: number;
}

export interface HelperEnvironment {
  python: string;
  executable: string;
  packages: Record<string, string>;
}

export interface FeatureFact {
  name: string;
  type: 'float' | 'string';
  missing: boolean;
}

export interface HelperSuccess {
  ok: true;
  framework: { name: string; version: string | null };
  converter: { name: string; version: string | null; onnx?: string | null } | null;
  description: {
    kind: 'classifier' | 'regressor';
    estimator: string;
    layout: 'tabular' | 'columns';
    features: FeatureFact[];
    /** Whether the model itself names its features (feature_names_in_, a booster's names). */
    namedByModel: boolean;
    classes: Array<number | string> | null;
  };
  rows: {
    /** In feature order; null is a missing value. */
    rows: Array<Array<number | string | null>>;
    /** The sample's feature columns (a sample was given). */
    names?: string[];
    total?: number;
    target?: { name: string; values: string[] } | null;
    ignored?: string[];
    /** Generated rows: where their statistics came from, in words. */
    how?: string;
  };
  expected: { labels?: Array<number | string>; probabilities?: number[][]; values?: number[] | number[][] };
  warnings: string[];
  environment: HelperEnvironment;
}

export interface HelperFailure {
  ok: false;
  problem: { code: string } & Record<string, unknown>;
  environment?: HelperEnvironment;
}

export type HelperResult = HelperSuccess | HelperFailure;
