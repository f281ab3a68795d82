/**
 * What the drift window needs from one inference: the input rows (as a row-major matrix in the
 * reference profile's feature order) and one prediction per row. Planned once per model version
 * from its signature, so the per-request work is a lookup and an O(rows × features) copy — or no
 * copy at all when a tabular input's columns already are the profile's features in order (the
 * detector copies into its own window synchronously, before the request's buffers can change).
 */
import type { ModelConfig } from '../../core/config.js';
import type { Tensor, TensorData } from '../../core/tensor.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../../core/inference.js';

export type Task = 'classification' | 'regression';

/** How the model takes rows: protocol/row-layout.ts's `rowLayout`, injected (observe does not import protocol). */
export interface RowLayoutLike {
  kind: 'tabular' | 'columns';
  features: string[];
  width: number;
  inputs: Array<{ name: string }>;
}

export interface FeaturePlan {
  kind: 'tabular' | 'columns';
  /** Profile features the model receives, in profile order. */
  features: string[];
  /** Tabular: the input's name and width; each feature's column in it. */
  input: string;
  width: number;
  columns: number[];
  /** Columns layout: each feature's input name. */
  inputs: string[];
  /** The tabular input's columns are exactly `features`, in order: observe its buffer directly. */
  identity: boolean;
  /** Profile features the model never receives (left out of monitoring, with a warning). */
  unmatched: string[];
}

export interface PredictionPlan {
  task: Task;
  /** Output holding one prediction per row (a classifier's label output, else the first output). */
  output: string;
  /** Classifiers: the model's class label (as a string) → the name berth.yaml gives it. */
  names: Map<string, string>;
}

/** Which columns of the model's input carry each profile feature; null when none can be mapped. */
export function planFeatures(layout: RowLayoutLike | string, profileFeatures: readonly string[]): FeaturePlan | null {
  if (typeof layout === 'string') return null;
  const known =
    layout.features.length > 0 ? layout.features : profileFeatures.length === layout.width ? [...profileFeatures] : [];
  const features: string[] = [];
  const columns: number[] = [];
  const unmatched: string[] = [];
  for (const name of profileFeatures) {
    const column = known.indexOf(name);
    if (column < 0) unmatched.push(name);
    else {
      features.push(name);
      columns.push(column);
    }
  }
  if (features.length === 0) return null;
  const identity =
    layout.kind === 'tabular' && columns.length === layout.width && columns.every((column, i) => column === i);
  return {
    kind: layout.kind,
    features,
    input: layout.inputs[0]!.name,
    width: layout.width,
    columns,
    inputs: layout.kind === 'columns' ? columns.map((column) => layout.inputs[column]!.name) : [],
    identity,
    unmatched,
  };
}

export function planPrediction(metadata: ModelMetadata, config: ModelConfig): PredictionPlan | null {
  const classifier = metadata.classifier;
  if (classifier) {
    const labels = config.labels && config.labels.length === classifier.classes.length ? config.labels : undefined;
    const names = new Map(classifier.classes.map((label, i) => [String(label), labels ? labels[i]! : String(label)]));
    return { task: 'classification', output: classifier.labelOutput, names };
  }
  const first = metadata.outputs[0];
  if (!first) return null;
  const discrete = first.datatype === 'BYTES' || first.datatype === 'BOOL' || first.datatype.includes('INT');
  return { task: discrete ? 'classification' : 'regression', output: first.name, names: new Map() };
}

/** The request's rows as a row-major [rows × plan.features] matrix, or null when it has none. */
export function extractRows(
  request: InferenceRequest,
  plan: FeaturePlan,
): { values: ArrayLike<unknown>; rows: number } | null {
  if (plan.kind === 'tabular') {
    const tensor = find(request.inputs, plan.input);
    if (!tensor || tensor.shape.length !== 2 || tensor.shape[1] !== plan.width) return null;
    const rows = tensor.shape[0]!;
    if (plan.identity) return { values: tensor.data, rows };
    const out = new Array<unknown>(rows * plan.columns.length);
    const data = tensor.data;
    let k = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * plan.width;
      for (const column of plan.columns) out[k++] = data[base + column];
    }
    return { values: out, rows };
  }
  const tensors: TensorData[] = [];
  let rows = -1;
  for (const name of plan.inputs) {
    const tensor = find(request.inputs, name);
    if (!tensor) return null;
    if (rows < 0) rows = tensor.shape[0] ?? 0;
    if (tensor.data.length !== rows) return null;
    tensors.push(tensor.data);
  }
  const width = tensors.length;
  const out = new Array<unknown>(rows * width);
  for (let c = 0; c < width; c++) {
    const data = tensors[c]!;
    for (let r = 0; r < rows; r++) out[r * width + c] = data[r];
  }
  return { values: out, rows };
}

/** One prediction per row: class names for classifiers, the first value of each row otherwise. */
export function extractPredictions(response: InferenceResponse, plan: PredictionPlan): unknown[] | null {
  const tensor = find(response.outputs, plan.output);
  if (!tensor) return null;
  const rows = tensor.shape[0] ?? tensor.data.length;
  if (rows === 0) return [];
  const stride = Math.max(1, Math.floor(tensor.data.length / rows));
  const out = new Array<unknown>(rows);
  const data = tensor.data;
  if (plan.task === 'classification') {
    for (let r = 0; r < rows; r++) {
      const key = String(data[r * stride]);
      out[r] = plan.names.get(key) ?? key;
    }
  } else {
    for (let r = 0; r < rows; r++) out[r] = Number(data[r * stride]);
  }
  return out;
}

/** A true value as the predictions spell it: a class id the model uses becomes its berth.yaml name. */
export function normalizeTruth(value: unknown, plan: PredictionPlan): unknown {
  if (plan.task !== 'classification' || (typeof value !== 'number' && typeof value !== 'string')) return value;
  return plan.names.get(String(value)) ?? value;
}

function find(tensors: readonly Tensor[], name: string): Tensor | undefined {
  // Almost always one or two tensors: a loop beats building a map per request.
  for (const tensor of tensors) if (tensor.name === name) return tensor;
  return undefined;
}
