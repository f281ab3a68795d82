import { section } from '../field.js';

export const importing = section('`berth import`: conversion of a trained model to ONNX and its parity proof.', {
  /**
   * An element of a probability or value agrees when |served − original| ≤ abs + rel·|original|.
   * A float32 model's probabilities are off by ~1e-7 and a forest's regression values by ~1e-6
   * relative; a conversion that lost something (float32 inputs to a model that needs doubles,
   * a wrong option) is off by far more.
   */
  tolerance: { abs: 1e-5, rel: 1e-4, agreement: 1 },
  /** Rows drawn from the model's training statistics when no --sample is given. */
  generatedRows: 200,
  /** Share of generated values left missing in features the model accepts missing (NaN). */
  missingShare: 0.05,
  seed: 42,
  /** Sample rows checked (and profiled for drift: the whole file is); the rest are counted. */
  maxSampleRows: 10_000,
  /** Worst rows named in the report for each output. */
  worstRows: 5,
  /** The Python helper (load, convert, predict) may take this long; a large forest's conversion is the slow part. */
  helperTimeoutMs: 10 * 60_000,
});
