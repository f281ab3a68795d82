import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { parseKeyPairsIntoRecord, setGlobalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { defaults } from '../../core/defaults.js';
import { errors } from '../../core/errors.js';
import { berthVersion } from '../../core/version.js';
import { linkedSampler } from './linked-sampler.js';
import { ServerSpan } from './request-spans.js';
import type { TraceArrival, Tracing, TracingOptions } from './tracing.js';

/** W3C Trace Context says a tracestate of 512 characters must be kept; a longer one is dropped whole here. */
const maxTracestateChars = 512;

/**
 * The OpenTelemetry JS SDK, set up explicitly (nothing registered globally): spans go through a
 * batch span processor to the OTLP/HTTP exporter; sampling is parent-based with a ratio for new
 * traces (OTEL_TRACES_SAMPLER may name another standard sampler); the W3C Trace Context
 * propagator reads each request's `traceparent` and `tracestate`. Loaded only when tracing is on.
 */
export function createOtelTracing({ settings, env, onExportError }: TracingOptions): Tracing {
  const exporter = new OTLPTraceExporter({
    url: settings.endpoint,
    headers: parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS),
    timeoutMillis: settings.export.timeoutMs,
  });
  const resourceAttributes = parseKeyPairsIntoRecord(env.OTEL_RESOURCE_ATTRIBUTES);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      ...resourceAttributes,
      // OTEL_SERVICE_NAME (the setting) wins over service.name in OTEL_RESOURCE_ATTRIBUTES, as the SDK specification says.
      'service.name':
        settings.serviceName === defaults.tracing.serviceName
          ? (resourceAttributes['service.name'] ?? settings.serviceName)
          : settings.serviceName,
      'service.version': berthVersion,
      // Each process exports on its own (every --workers worker): the instance id tells them apart.
      'service.instance.id': randomUUID(),
      'host.name': hostname(),
      'process.pid': process.pid,
    }),
    spanLimits: { attributeValueLengthLimit: settings.maxAttributeChars },
    sampler: linkedSampler(standardSampler(env.OTEL_TRACES_SAMPLER, settings.sampleRatio)),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        scheduledDelayMillis: settings.export.delayMs,
        maxQueueSize: settings.export.maxQueue,
        maxExportBatchSize: settings.export.maxBatch,
        exportTimeoutMillis: settings.export.timeoutMs,
      }),
    ],
  });
  // The SDK reports failed exports here (and nowhere else): they never reach a request.
  setGlobalErrorHandler((error) => onExportError(error instanceof Error ? error.message : String(error)));
  const tracer = provider.getTracer('berth', berthVersion);
  const propagator = new W3CTraceContextPropagator();

  return {
    request({ name, traceparent, tracestate, attributes }: TraceArrival) {
      const carrier =
        typeof traceparent === 'string'
          ? {
              traceparent,
              tracestate:
                typeof tracestate === 'string' && tracestate.length <= maxTracestateChars ? tracestate : undefined,
            }
          : undefined;
      const parent = carrier ? propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter) : ROOT_CONTEXT;
      return new ServerSpan(tracer, tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent));
    },
    shutdown: () => provider.shutdown(),
  };
}

/** The standard samplers by their OTEL_TRACES_SAMPLER names; parentbased_traceidratio when none is named. */
function standardSampler(name: string | undefined, ratio: number): Sampler {
  const byName: Record<string, () => Sampler> = {
    parentbased_traceidratio: () => new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    parentbased_always_on: () => new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    parentbased_always_off: () => new ParentBasedSampler({ root: new AlwaysOffSampler() }),
    traceidratio: () => new TraceIdRatioBasedSampler(ratio),
    always_on: () => new AlwaysOnSampler(),
    always_off: () => new AlwaysOffSampler(),
  };
  const make = byName[name ?? 'parentbased_traceidratio'];
  if (!make)
    throw errors.badConfig(
      'OTEL_TRACES_SAMPLER',
      `expected one of ${Object.keys(byName).join(', ')}, got ${JSON.stringify(name)}`,
    );
  return make();
}
