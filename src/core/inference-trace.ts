/**
 * What tracing learns of a request as it passes each part of the server (docs/tracing.md). The
 * parts only call these interfaces, and only when the request carries one: with tracing off none
 * does, so a step costs one property check; observe/tracing/ implements them over OpenTelemetry.
 * Times are `performance.now()` milliseconds.
 */
export type TraceAttributes = Record<string, string | number | boolean>;

/** One request's server span, made by the request gate; the transport ends it with the outcome. */
export interface RequestTrace {
  /** The W3C trace id (32 hex digits), sampled or not: the access log carries it. */
  readonly traceId: string;
  /** The inference's steps; undefined when the trace is not sampled, so such a request makes no spans. */
  readonly inference?: InferenceTrace;
  /** Adds what is learnt on the way (the model and version that answered, the rows). */
  set(attributes: TraceAttributes): void;
  /** The reply is sent, or the caller went away: `status` is the HTTP status or the gRPC code. */
  end(outcome: { httpStatus?: number; grpcCode?: number }): void;
}

/** A sampled request's steps, each a child span of its server span. */
export interface InferenceTrace {
  /** The trace id, for exemplars: only a sampled request's trace can be looked up. */
  readonly traceId: string;
  /** A step from `start` (default: now) until its end(). */
  step(name: string, attributes?: TraceAttributes, start?: number): TraceStep;
  /**
   * The model call that carries this request among `requests` (`rows` in all): a span of each
   * traced request's share and, for a batch of several, one batch span linked to each of them.
   */
  modelCall(requests: ReadonlyArray<{ trace?: InferenceTrace }>, rows: number): ModelCallTrace;
}

export interface TraceStep {
  set(attributes: TraceAttributes): void;
  end(error?: unknown): void;
}

export interface ModelCallTrace {
  /** Where the runtime computed the call: inline on the main thread or on the onnxruntime thread. */
  ranOn(thread: 'main' | 'onnxruntime'): void;
  end(error?: unknown): void;
}
