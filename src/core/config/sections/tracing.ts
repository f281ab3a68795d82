import { boolean, integer, number, section, text, url } from '../field.js';

/** OpenTelemetry traces (observe/tracing/, docs/tracing.md). Three settings take the OpenTelemetry SDK's standard variables. */
export const tracing = section(
  'OpenTelemetry traces over OTLP/HTTP. Off, the SDK is never loaded and requests carry no trace.',
  {
    enabled: boolean(false, { doc: 'export OpenTelemetry traces over OTLP/HTTP (docs/tracing.md)', flag: '--tracing' }),
    /** The OTLP exporter's default: a collector beside the server. OTEL_EXPORTER_OTLP_ENDPOINT (a base URL) sets it too (core/env.ts). */
    endpoint: url('http://localhost:4318/v1/traces', {
      doc: 'OTLP/HTTP traces URL',
      flag: '--otlp-endpoint',
      env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    }),
    /** 1 is OpenTelemetry's default sampler (parent-based, always on). */
    sampleRatio: number(1, {
      doc: "share of new traces sampled; a caller's traceparent decides for its own (parent-based)",
      flag: '--trace-sample-ratio',
      env: 'OTEL_TRACES_SAMPLER_ARG',
      max: 1,
    }),
    serviceName: text('berth', {
      doc: 'service.name of the spans',
      flag: '--trace-service-name',
      env: 'OTEL_SERVICE_NAME',
      nonEmpty: true,
    }),
    /** The SDK's span batching (its own defaults): spans wait at most delayMs; past maxQueue waiting, new ones are dropped. */
    export: { delayMs: 5000, maxQueue: 2048, maxBatch: 512, timeoutMs: 10_000 },
    /** Longer attribute values (a 16 KiB URL path) are cut: the queue's memory stays bounded (about maxQueue × a few KiB). */
    maxAttributeChars: integer(1024, { doc: 'longest span attribute value kept (longer ones are cut)' }),
  },
  { environment: true },
);
