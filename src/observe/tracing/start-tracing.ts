import type { Tracing, TracingOptions } from './tracing.js';

/**
 * Starts tracing when the settings turn it on. Off, this returns undefined without loading the
 * OpenTelemetry SDK: the module that uses it is imported only here, on demand.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  if (!options.settings.enabled) return undefined;
  const { createOtelTracing } = await import('./otel-tracing.js');
  return createOtelTracing(options);
}
