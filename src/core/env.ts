/**
 * The only module that reads `process.env`. Everything else receives values from here, so a test
 * can pass its own environment and nothing depends on hidden global state.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The variables that configure Berth: BERTH_*, and the OpenTelemetry SDK's standard OTEL_* for
 * tracing (settings.ts names those a setting takes; the tracer reads the exporter's headers and
 * resource attributes). OTEL_EXPORTER_OTLP_ENDPOINT is a base URL: traces go to its /v1/traces,
 * unless OTEL_EXPORTER_OTLP_TRACES_ENDPOINT names their URL (OTLP exporter specification).
 */
export function berthVariables(source: Environment = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if ((key.startsWith('BERTH_') || key.startsWith('OTEL_')) && value !== undefined) out[key] = value;
  }
  const base = out.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (base && out.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT === undefined)
    out.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${base.replace(/\/+$/, '')}/v1/traces`;
  return out;
}

/** Facts about where Berth runs that are not settings. */
export function hostFacts(source: Environment = process.env) {
  return {
    /** Set by CI systems; tests that need real programs (podman, prometheus…) fail rather than skip there. */
    ci: source.CI === 'true' || source.CI === '1',
    kubeconfig: source.KUBECONFIG,
    home: source.HOME,
    /** Where programs are looked up (tests find the system packages they drive without running them). */
    path: source.PATH ?? '',
    /** Cache of tools the project builds for its tests (Python venvs, the Kubernetes test bed). */
    berthCache: source.BERTH_CACHE ?? `${source.HOME ?? '/tmp'}/.cache/berth`,
    /** node:cluster marks the processes it starts with NODE_UNIQUE_ID. */
    startedByCluster: source.NODE_UNIQUE_ID !== undefined,
  };
}

/** The environment a child program gets: this process's, with `extra` set (programs.ts runs it). */
export function childEnvironment(extra: Record<string, string>, source: Environment = process.env): NodeJS.ProcessEnv {
  return { ...source, ...extra };
}

/**
 * onnxruntime (1.29 and later, on Linux and macOS) starts Microsoft's telemetry client when its
 * environment is created unless ORT_DISABLE_TELEMETRY=1 is set by then: it keeps a device id and an
 * event database under $HOME/.cache (fsync'd at every start), leaves a log file per process in /tmp,
 * and uploads events to Microsoft. A model server sends nothing to a third party unless its operator
 * asks, so Berth sets the variable where it is unset; an operator's own value (0 turns it on) stands.
 */
export function optOutOfOnnxruntimeTelemetry(target: NodeJS.ProcessEnv = process.env): void {
  target.ORT_DISABLE_TELEMETRY ??= '1';
}
