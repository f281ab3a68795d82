import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { resolveConfig, type Settings } from '../core/config.js';
import { readApiKeyFile, readConfigFile } from '../core/config-file.js';
import { BerthError, errors } from '../core/errors.js';
import { locateModel } from '../core/locate-model.js';
import { bodyBytesBudget, containerMemoryLimit, grpcReceiveBudget } from '../core/memory-limit.js';
import type { RunningGrpcServer } from '../grpc/server.js';
import { acceptOipBodies } from '../http/oip-body.js';
import { repositoryRoutes } from '../http/routes-repository.js';
import { monitoringRoutes, typicalRows } from '../http/routes-monitoring.js';
import { createHttpApp } from '../http/server.js';
import { inferenceMetrics } from '../observe/inference-metrics.js';
import { createLogger, type Logger } from '../observe/logger.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import { ModelMonitoring } from '../observe/monitoring/model-monitoring.js';
import { startTracing } from '../observe/tracing/start-tracing.js';
import { referenceRows } from '../protocol/reference-rows.js';
import { createOnnxRuntime } from '../runtime/onnx.js';
import type { RuntimeFactory } from '../runtime/runtime.js';
import type { DataPlane } from '../serving/data-plane.js';
import type { ModelManager } from '../serving/model-manager.js';
import { RequestGate } from '../serving/request-gate.js';
import { createServingCore } from '../serving/serving-core.js';
import { drain } from './shutdown.js';

export interface ServeOptions {
  /** A model.onnx or a folder with model.onnx and berth.yaml; omitted = serve the repository. */
  target?: string;
  /** With no target: the models to serve from the repository (`iris@production`); none = all. */
  models?: string[];
  name?: string;
  /** berth.yaml path; default: beside the model. */
  config?: string;
  /** Flag values keyed by setting key (`server.port`). */
  flags?: Record<string, unknown>;
  /** BERTH_* variables (from core/env.ts). */
  env?: Record<string, string>;
  logDestination?: DestinationStream;
  /** Metrics to record into (a cluster worker shares its registry with the primary). */
  metrics?: Metrics;
  /** Replaces the /metrics renderer (workers aggregate across processes). */
  renderMetrics?: () => Promise<{ contentType: string; body: string }>;
  /** Makes each model version's runtime; default onnxruntime (tests serve a deterministic fake). */
  runtimes?: RuntimeFactory;
  /** How long start-up waits for the models before it listens anyway; default `listenGraceMs`. */
  listenGraceMs?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  /** OIP v2 gRPC server; undefined when server.grpcPort is 0, or until it listens. */
  readonly grpc?: RunningGrpcServer;
  dataplane: DataPlane;
  /** Loads and switches versions (file, registry, repository extension). */
  manager: ModelManager;
  /** Request ids, the API key and admission, shared by HTTP and gRPC. */
  gate: RequestGate;
  settings: Settings;
  metrics: Metrics;
  logger: Logger;
  url: string;
  /** Resolves when every model is loaded (rejects if one fails). */
  loaded: Promise<void>;
  /** Graceful drain: /ready 503 at once, keep serving drainDelaySeconds, stop accepting, finish in-flight work. */
  shutdown(reason: string): Promise<void>;
}

/**
 * How long start-up waits for the models before it listens anyway. A model that loads within it
 * (iris: ~50 ms) is listened for already loaded, so the first connection is answered 200 and start-up
 * answers no `/ready` polls with 503 on its way (each one took main-thread time from the load: a
 * client polling every 5 ms made ~2 of them); a longer load listens after it, so probes answer 503
 * (and `/healthz` 200) while the model loads. Until then a connection is refused, which a
 * Kubernetes probe, a load balancer and `berth bench` take as not ready, like a 503.
 */
export const listenGraceMs = 200;

/** Finds the model and resolves its configuration (flags, environment, berth.yaml, defaults). */
export async function prepareServe(options: ServeOptions) {
  const location =
    options.target === undefined
      ? undefined
      : await locateModel(options.target, { hash: false, configPath: options.config });
  const configPath = options.config ?? location?.configPath;
  const file = location?.config ?? (configPath === undefined ? {} : await readConfigFile(configPath, false));
  const resolved = resolveConfig({
    file,
    flags: options.flags,
    env: options.env,
    baseDir: configPath === undefined ? undefined : dirname(configPath),
  });
  const { server } = resolved.settings;
  if (server.apiKeyFile) server.apiKey = await readApiKeyFile(server.apiKeyFile);
  return { location, ...resolved };
}

export type PreparedServe = Awaited<ReturnType<typeof prepareServe>>;

/** onnxruntime for every version, each model call timed into the metrics by where it ran. */
export function onnxRuntimes(settings: Settings, metrics: Metrics, gate: RequestGate): RuntimeFactory {
  return (source) =>
    createOnnxRuntime(source, settings.onnx, {
      observeCall: (thread, seconds) =>
        metrics.modelCallDuration.observe({ model: source.name, version: source.version, thread }, seconds),
      othersInFlight: () => gate.admission.handling > 1,
    });
}

/** A collector that is down fails every export: said once a minute, not once a batch. */
function exportErrorLog(logger: Logger): (message: string) => void {
  let last = -Infinity;
  return (message) => {
    if (performance.now() - last < 60_000) return;
    last = performance.now();
    logger.warn({ error: message }, 'tracing: spans could not be exported (dropped; requests are not affected)');
  };
}

/**
 * The composition root of `berth serve`, the one place that wires the runtime factory, the serving
 * core, monitoring, the request gate, HTTP and gRPC. Starts loading the models, and listens once
 * they are loaded or after `listenGraceMs`, whichever comes first.
 */
export async function startServer(options: ServeOptions, prepared?: PreparedServe): Promise<RunningServer> {
  const { location, settings, model: modelConfig, traffic, warnings } = prepared ?? (await prepareServe(options));
  const logger = createLogger(settings.log.level, options.logDestination);
  for (const warning of warnings) logger.warn(warning);
  const metrics = options.metrics ?? createMetrics({ exemplars: settings.tracing.enabled });
  const tracing = await startTracing({
    settings: settings.tracing,
    env: options.env ?? {},
    onExportError: exportErrorLog(logger),
  });
  if (tracing)
    logger.info(
      { endpoint: settings.tracing.endpoint, sampleRatio: settings.tracing.sampleRatio },
      'tracing: exporting spans over OTLP/HTTP',
    );
  // The container's memory limit sizes the body budget (both transports share it) and gRPC's receive budget.
  const memoryLimit = settings.server.memoryLimitBytes || containerMemoryLimit();
  const rss = process.memoryUsage.rss();
  settings.server.maxBodyBytesInFlight = bodyBytesBudget(
    settings.server,
    settings.limits.maxBodyBytes,
    memoryLimit,
    rss,
  );
  Object.assign(settings.grpc, grpcReceiveBudget(settings, memoryLimit, rss));
  logger.info(
    {
      memoryLimit: memoryLimit ?? 'none',
      maxBodyBytesInFlight: settings.server.maxBodyBytesInFlight,
      grpcReceiveBytesInFlight: settings.grpc.receiveBytesInFlight,
      grpcMaxMessageBytes: settings.grpc.maxMessageBytes,
    },
    'memory budget',
  );

  // Drift, live accuracy, payload log (docs/monitoring.md); berth.yaml's reference CSV is for a served file.
  const monitoring = new ModelMonitoring({
    settings: settings.monitoring,
    metrics,
    logger,
    codec: referenceRows(settings.limits),
    referenceCsv: location ? settings.monitoring.reference : '',
    maxRows: settings.limits.maxRows,
  });
  const gate = new RequestGate(settings, metrics, tracing);
  const { dataplane, manager } = createServingCore(
    {
      settings,
      runtimes: options.runtimes ?? onnxRuntimes(settings, metrics, gate),
      metrics,
      logger,
      traffic,
      repository: location ? undefined : settings.repository.path,
      listener: monitoring,
    },
    gate.admission.slices,
  );
  const counted = inferenceMetrics(metrics);
  dataplane.observe(counted.inference);
  dataplane.observeShadows(counted.shadow);
  dataplane.observe(monitoring.observe);
  monitoring.start();

  const context = {
    dataplane,
    gate,
    settings,
    metrics,
    logger,
    renderMetrics: options.renderMetrics,
    typicalRow: typicalRows(monitoring, dataplane),
  };
  // The repository extension, over REST and gRPC alike: serving a repository with model control on (it needs the API key).
  const repository = manager.repository && settings.server.modelControl ? manager : undefined;
  if (repository) dataplane.addExtension('model_repository');
  const app = await createHttpApp(context, [
    ...(repository ? repositoryRoutes(repository) : []),
    ...monitoringRoutes(monitoring, context),
  ]);
  // Serving a repository without model control: whatever body a repository call carries (real OIP
  // clients send none, or octet-stream), the answer is that model control is off, not a media-type
  // complaint. A single model file has no repository: those paths are 404 like any other.
  if (manager.repository && !repository)
    await app.register(async (scope) => {
      acceptOipBodies(scope);
      scope.all('/v2/repository/*', async () => {
        throw errors.modelControlOff();
      });
    });
  let modelsLoaded: Promise<void>;
  if (location) {
    const name = options.name ?? location.name;
    logger.info({ model: name, path: location.path }, 'loading model');
    modelsLoaded = manager.loadFile(location.path, { ...modelConfig, name, version: location.version });
  } else {
    logger.info(
      { repository: manager.repository, models: options.models ?? 'all' },
      'loading models from the repository',
    );
    modelsLoaded = manager.serveRepository(options.models ?? []).then(() => manager.watch());
  }
  modelsLoaded = modelsLoaded.catch((error: unknown) => {
    logger.error({ error: error instanceof BerthError ? error.message : String(error) }, 'model failed to load');
    throw error;
  });
  // gRPC listens while the models load (its stack loads at the first gRPC connection), and HTTP,
  // which the probes ask, after it: the pod turns ready only once both listen.
  let grpc: RunningGrpcServer | undefined;
  const grpcOff = settings.server.grpcPort === 0;
  dataplane.addReadinessGate(() => grpcOff || grpc !== undefined);
  const grpcStarted = grpcOff
    ? Promise.resolve()
    : import('../grpc/server.js')
        .then(({ startGrpcServer }) => startGrpcServer({ dataplane, gate, settings, logger, repository }))
        .then((started) => {
          grpc = started;
          logger.info({ grpcPort: started.port }, 'gRPC listening');
        });
  grpcStarted.catch(() => undefined);

  // Listening waits for the models or the grace period, whichever ends first (see listenGraceMs).
  let grace: NodeJS.Timeout | undefined;
  await Promise.race([
    modelsLoaded.catch(() => undefined),
    new Promise((resolve) => (grace = setTimeout(resolve, options.listenGraceMs ?? listenGraceMs))),
  ]);
  clearTimeout(grace);
  const address = await app
    .listen({ host: settings.server.host, port: settings.server.port, backlog: settings.server.listenBacklog })
    .catch((error: NodeJS.ErrnoException) => {
      manager.close();
      void modelsLoaded.then(() => dataplane.models.unloadAll()).catch(() => undefined);
      void grpcStarted.then(() => grpc?.close(0)).catch(() => undefined);
      gate.close();
      void monitoring.close();
      void tracing?.shutdown();
      throw error.code === 'EADDRINUSE'
        ? errors.portInUse('HTTP', settings.server.port, '--port', 'BERTH_PORT')
        : error;
    });
  logger.info({ address }, 'listening');

  const running: RunningServer = {
    app,
    get grpc() {
      return grpc;
    },
    dataplane,
    manager,
    gate,
    settings,
    metrics,
    logger,
    url: address,
    loaded: Promise.all([modelsLoaded, grpcStarted]).then(() => undefined),
    shutdown: (reason) => drain({ app, grpc, dataplane, gate, settings, logger, manager, monitoring }, reason),
  };
  running.loaded.catch(() => undefined);
  return running;
}
