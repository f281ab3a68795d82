import type { Tensor, TensorSpec } from '../core/tensor.js';

/** One inference call, already decoded from its wire dialect (OIP v2 §"Inference Request"). */
export interface InferenceRequest {
  /** Echoed in the response when given. */
  id?: string;
  inputs: Tensor[];
  /** Output names to return; undefined = all. */
  outputs?: string[];
  parameters?: Record<string, unknown>;
  /** Epoch milliseconds past which the answer is no longer wanted (504). */
  deadline?: number;
}

export interface InferenceResponse {
  outputs: Tensor[];
}

/** What Berth learnt about a classifier from its graph (ZipMap labels) or berth.yaml. */
export interface ClassifierInfo {
  /** Output holding the predicted class per row. */
  labelOutput: string;
  /** Output holding per-class probabilities [N, classes]. */
  probabilityOutput: string;
  /** The model's own class labels in probability-column order (ZipMap classlabels_*). */
  classes: Array<number | string>;
}

export interface ModelMetadata {
  name: string;
  version: string;
  /** OIP platform string, e.g. `onnx_onnxv1`. */
  platform: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  classifier?: ClassifierInfo;
  /** Free-form facts shown in metadata: producer, opset, sha256… */
  properties: Record<string, string>;
}

/**
 * A loaded model. Batching, metrics and traffic splitting wrap a runtime and return a runtime
 * (MLServer's MLModel / undici's dispatcher pattern), so the data plane never knows which it has.
 *
 * @example
 *   const runtime = createOnnxRuntime({ path: 'model.onnx', name: 'iris', version: '1' }, settings.onnx);
 *   await runtime.load();
 *   const { outputs } = await runtime.infer({ inputs: [tensor] });
 */
export interface ModelRuntime {
  load(): Promise<void>;
  /** Only valid after load() resolved. */
  metadata(): ModelMetadata;
  infer(request: InferenceRequest): Promise<InferenceResponse>;
  unload(): Promise<void>;
}
