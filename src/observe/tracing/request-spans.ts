import { ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { BerthError } from '../../core/errors.js';
import type {
  InferenceTrace,
  ModelCallTrace,
  RequestTrace,
  TraceAttributes,
  TraceStep,
} from '../../core/inference-trace.js';

/**
 * gRPC codes that make a server span an error (OpenTelemetry's semantic conventions for RPC):
 * UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS. A client's mistake
 * (INVALID_ARGUMENT, NOT_FOUND…) is the client's, as an HTTP 4xx is.
 */
const grpcServerErrors = new Set([2, 4, 12, 13, 14, 15]);

/** One request's server span. Unsampled, it still carries the trace id (the access log has it) but makes no child spans. */
export class ServerSpan implements RequestTrace {
  readonly traceId: string;
  readonly inference?: InferenceSpans;
  #ended = false;

  constructor(
    tracer: Tracer,
    readonly span: Span,
  ) {
    this.traceId = span.spanContext().traceId;
    if (span.isRecording()) this.inference = new InferenceSpans(tracer, span, this.traceId);
  }

  set(attributes: TraceAttributes): void {
    this.span.setAttributes(attributes);
  }

  end({ httpStatus, grpcCode }: { httpStatus?: number; grpcCode?: number }): void {
    if (this.#ended) return;
    this.#ended = true;
    if (httpStatus !== undefined) {
      this.span.setAttribute('http.response.status_code', httpStatus);
      if (httpStatus >= 500) this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    if (grpcCode !== undefined) {
      this.span.setAttribute('rpc.grpc.status_code', grpcCode);
      if (grpcServerErrors.has(grpcCode)) this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }
}

/** The steps of a sampled request, each a child of its server span. */
export class InferenceSpans implements InferenceTrace {
  readonly #context: Context;

  constructor(
    readonly tracer: Tracer,
    readonly server: Span,
    readonly traceId: string,
  ) {
    this.#context = trace.setSpan(ROOT_CONTEXT, server);
  }

  step(name: string, attributes?: TraceAttributes, start?: number): TraceStep {
    return new StepSpan(this.tracer.startSpan(name, { attributes, startTime: start }, this.#context));
  }

  /**
   * A batch of several requests is one span in a trace of its own (it belongs to no one request),
   * linked to each request's server span; each traced request gets a `model call` span linked
   * back to it, so either side leads to the other.
   */
  modelCall(requests: ReadonlyArray<{ trace?: InferenceTrace }>, rows: number): ModelCallTrace {
    const traced: InferenceSpans[] = [];
    for (const request of requests) if (request.trace instanceof InferenceSpans) traced.push(request.trace);
    const attributes = { 'berth.batch.requests': requests.length, 'berth.batch.rows': rows };
    const batch =
      requests.length > 1
        ? this.tracer.startSpan('batch', {
            root: true,
            attributes,
            links: traced.map((request) => ({ context: request.server.spanContext() })),
          })
        : undefined;
    const links = batch ? [{ context: batch.spanContext() }] : undefined;
    const spans = traced.map((request) =>
      request.tracer.startSpan('model call', { attributes, links }, request.#context),
    );
    if (batch) spans.push(batch);
    return {
      ranOn(thread) {
        for (const span of spans) span.setAttribute('berth.model.thread', thread);
      },
      end(error) {
        for (const span of spans) endSpan(span, error);
      },
    };
  }
}

class StepSpan implements TraceStep {
  constructor(readonly span: Span) {}

  set(attributes: TraceAttributes): void {
    this.span.setAttributes(attributes);
  }

  end(error?: unknown): void {
    endSpan(this.span, error);
  }
}

/** Ends a span; a failed step gets error status, its error code (`error.type`) and message. */
function endSpan(span: Span, error: unknown): void {
  if (error !== undefined) {
    const type = error instanceof BerthError ? error.code : error instanceof Error ? error.name : 'error';
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}
