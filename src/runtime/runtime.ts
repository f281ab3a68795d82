import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../core/inference.js';

/**
 * A loaded model. Batching, observation and shadowing wrap a runtime and return a runtime
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

/** Where one model version's file is, and what the caller knows of it. */
export interface RuntimeSource {
  path: string;
  name: string;
  version: string;
  /** Expected sha256 (hex) of the file; loading refuses a file that does not match. */
  sha256?: string;
  /** Facts the caller knows about the model (the registry's parity report), shown with its metadata. */
  properties?: Record<string, string>;
}

/**
 * Makes the runtime of one model version: onnxruntime in the server (the composition root picks
 * it), a deterministic fake in tests. The model manager only ever calls this.
 */
export type RuntimeFactory = (source: RuntimeSource) => ModelRuntime;
