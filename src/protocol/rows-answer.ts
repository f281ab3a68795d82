import type { ModelConfig } from '../core/config.js';
import type { InferenceResponse, ModelMetadata } from '../core/inference.js';
import { toJsonValues, toRows, type Tensor } from '../core/tensor.js';
import { perModelAndConfig } from './row-layout.js';
import { shortestFloat32 } from './shortest-float32.js';

/** One row's answer: class and probabilities for classifiers, the value(s) otherwise. */
export interface RowPrediction {
  prediction: unknown;
  label?: string;
  probabilities?: Record<string, number>;
}

/** An answer as rows, for the row-oriented dialects (the seed's /predict, KServe v1, `berth import`'s parity). */
export function responseToRows(
  model: ModelMetadata,
  config: ModelConfig,
  response: InferenceResponse,
): RowPrediction[] {
  const classifier = model.classifier;
  const labelTensor = classifier && response.outputs.find((tensor) => tensor.name === classifier.labelOutput);
  const probabilityTensor =
    classifier && response.outputs.find((tensor) => tensor.name === classifier.probabilityOutput);
  if (labelTensor && probabilityTensor) {
    const { names, indexOfLabel } = classNames(model, config);
    // Read from the typed array itself: no array of boxed values per answer (this runs per request).
    const { data } = probabilityTensor;
    const probabilities =
      data instanceof Float32Array || data instanceof Float64Array ? data : toJsonValues(probabilityTensor);
    const width = probabilityTensor.shape[1] ?? 1;
    const columns = Math.min(width, names.length);
    const labels = toRows(labelTensor);
    const rows: RowPrediction[] = new Array(labels.length);
    for (let row = 0; row < labels.length; row++) {
      const label = unwrapSingle(labels[row]);
      const index = indexOfLabel.get(String(label));
      const name = index !== undefined ? names[index] : typeof label === 'string' ? label : undefined;
      const byClass: Record<string, number> = {};
      for (let column = 0; column < columns; column++)
        byClass[names[column]!] = probabilityValue(probabilities[row * width + column]);
      rows[row] =
        name !== undefined
          ? { prediction: label, label: name, probabilities: byClass }
          : { prediction: label, probabilities: byClass };
    }
    return rows;
  }
  return toRows(response.outputs[0] as Tensor).map((value) => ({ prediction: unwrapSingle(value) }));
}

interface ClassNames {
  /** berth.yaml labels by class position, else the model's own labels. */
  names: string[];
  /** Class position of each of the model's labels, as text (INT64 labels arrive as numbers). */
  indexOfLabel: Map<string, number>;
}

/** Computed once per loaded model and config: this runs for every answered row. */
const classNames = perModelAndConfig((model, config): ClassNames => {
  const classes = model.classifier!.classes;
  const labels = config.labels;
  const names = labels && labels.length === classes.length ? labels : classes.map(String);
  return { names, indexOfLabel: new Map(classes.map((label, index) => [String(label), index])) };
});

/** A probability as JSON shows it: the shortest float32 text, and NaN or Infinity as a string (JSON has neither). */
function probabilityValue(value: unknown): number {
  if (typeof value !== 'number') return value as number;
  return Number.isFinite(value) ? shortestFloat32(value) : (String(value) as unknown as number);
}

function unwrapSingle(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}
