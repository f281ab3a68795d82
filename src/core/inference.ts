import type { ModelConfig } from './config.js';
import type { InferenceTrace, ModelCallTrace } from './inference-trace.js';
import type { Tensor, TensorSpec } from './tensor.js';

/**
 * What one inference is made of, as every part of the server sees it once a dialect has decoded
 * it: the request (OIP v2 §"Inference Request"), the answer, the signature of the model version
 * that answers, and the events observers (metrics, drift, payload log) receive. Pure data.
 */

/**
 * Who asked for an inference: a client, Berth itself (feedback by inputs predicts the rows it is
 * given: counted, never monitored nor shadowed), or a shadow copy of a client's request (compared
 * with the primary answer, then discarded: neither counted nor monitored).
 */
export type InferenceOrigin = 'client' | 'feedback' | 'shadow';

/** One inference call, already decoded from its wire dialect. */
export interface InferenceRequest {
  /** The OIP `id`: echoed in the response when given. */
  id?: string;
  inputs: Tensor[];
  /** Output names to return; undefined = all. */
  outputs?: string[];
  parameters?: Record<string, unknown>;
  /** Epoch milliseconds past which the answer is no longer wanted (504). */
  deadline?: number;
  /** The caller's request id (HTTP X-Request-Id, gRPC x-request-id): feedback names predictions by it. Never sent to the model. */
  requestId?: string;
  /** Default: a client. */
  origin?: InferenceOrigin;
  /** The request's steps when its trace is sampled (inference-trace.ts). Never sent to the model. */
  trace?: InferenceTrace;
  /** The traced model call carrying this request (the batcher sets it): the runtime tells it where it ran. */
  call?: ModelCallTrace;
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

/** What observers learn about each client inference; they never change it. */
export interface InferenceEvent {
  model: string;
  version: string;
  rows: number;
  seconds: number;
  request: InferenceRequest;
  response?: InferenceResponse;
  error?: unknown;
  /** The caller's request id (HTTP X-Request-Id, gRPC request id; else the OIP `id`): feedback names predictions by it. */
  requestId?: string;
}

export type InferenceObserver = (event: InferenceEvent) => void;

/** A shadow comparison: the candidate's answer to a copy of a request, compared then discarded. */
export interface ShadowEvent {
  model: string;
  version: string;
  shadowVersion: string;
  /** The request id of the client request copied. */
  requestId?: string;
  agreed?: boolean;
  error?: unknown;
}

export type ShadowObserver = (event: ShadowEvent) => void;

/** A model version that starts serving, as those told of it (drift monitoring) see it. */
export interface LoadedVersion {
  name: string;
  version: string;
  config: ModelConfig;
  metadata: ModelMetadata;
  /** Runs Berth's own requests on the version (the reference rows), neither counted nor observed. */
  infer(request: InferenceRequest): Promise<InferenceResponse>;
  /** The reference profile stored with a registry version. */
  reference?: { source: string; profile: unknown };
}
