import type { Settings } from '../../core/config.js';
import type { RequestTrace, TraceAttributes } from '../../core/inference-trace.js';

/** What a transport knows of a request when it arrives, for its server span. */
export interface TraceArrival {
  /** `{method} {route}` (HTTP) or `{service}/{method}` (gRPC), as OpenTelemetry's semantic conventions name server spans. */
  name: string;
  /** The W3C Trace Context headers (HTTP) or metadata (gRPC), as received: anything malformed starts a new trace. */
  traceparent: unknown;
  tracestate: unknown;
  attributes: TraceAttributes;
}

/** Berth's tracer: a server span per request, exported over OTLP/HTTP. */
export interface Tracing {
  request(arrival: TraceArrival): RequestTrace;
  /** Exports the spans still waiting, then stops (the server's drain). */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  settings: Settings['tracing'];
  /** BERTH_* and OTEL_* variables (core/env.ts): the exporter's headers, resource attributes and sampler. */
  env: Record<string, string>;
  /** Told when an export fails (the collector is down or refuses): spans are dropped, requests never wait. */
  onExportError(message: string): void;
}
