import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveConfig, type Settings } from '../core/config.js';
import { readApiKeyFile, readConfigFile } from '../core/config-file.js';
import { BerthError, errors } from '../core/errors.js';
import { createLogger, type Logger } from '../observe/logger.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import { observeInferences } from '../observe/inference-metrics.js';
import { ModelMonitoring } from '../observe/monitoring/model-monitoring.js';
import { DataPlane } from '../protocol/dataplane.js';
import { ModelSet } from '../protocol/model-set.js';
import { locateModel } from '../core/locate-model.js';
import { bodyBytesBudget, containerMemoryLimit } from '../core/memory-limit.js';
import type { RunningGrpcServer } from '../grpc/server.js';
import type { ModelRepository } from '../protocol/repository.js';
import { ModelManager } from './model-manager.js';
import { acceptOipBodies } from './oip-body.js';
import { repositoryRoutes } from './routes-repository.js';
import { monitoringRoutes, rowCodec } from './routes-monitoring.js';
import { createAdmission, createHttpApp } from './server.js';
import type { DestinationStream } from 'pino';

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
}

export interface RunningServer {
  app: FastifyInstance;
  /** OIP v2 gRPC server; undefined when server.grpcPort is 0. */
  grpc?: RunningGrpcServer;
  dataplane: DataPlane;
  settings: Settings;
  metrics: Metrics;
  logger: Logger;
  url: string;
  /** Resolves when every model is loaded (rejects if one fails). */
  loaded: Promise<void>;
  /** Graceful drain: /ready 503 at once, keep serving drainDelaySeconds, stop accepting, finish in-flight work. */
  shutdown(reason: string): Promise<void>;
}

/** Finds the model and resolves its configuration (flags, environment, berth.yaml, defaults). */
export async function prepareServe(options: ServeOptions) {
  const location = options.target === undefined ? undefined : await locateModel(options.target, { hash: false, configPath: options.config });
  const configPath = options.config ?? location?.configPath;
  const file = location?.config ?? (configPath === undefined ? {} : await readConfigFile(configPath, false));
  const resolved = resolveConfig({ file, flags: options.flags, env: options.env, baseDir: configPath === undefined ? undefined : dirname(configPath) });
  const { server } = resolved.settings;
  if (server.apiKeyFile) server.apiKey = await readApiKeyFile(server.apiKeyFile);
  return { location, ...resolved };
}

export type PreparedServe = Awaited<ReturnType<typeof prepareServe>>;

/** Starts listening at once (probes answer while the model loads), then loads the model. */
export async function startServer(options: ServeOptions, prepared?: PreparedServe): Promise<RunningServer> {
  const { location, settings, model: modelConfig, traffic, warnings } = prepared ?? (await prepareServe(options));
  const logger = createLogger(settings.log.level, options.logDestination);
  for (const warning of warnings) logger.warn(warning);
  const metrics = options.metrics ?? createMetrics();
  // The container's memory limit sizes the body budget (both transports share it).
  const memoryLimit = containerMemoryLimit();
  settings.server.maxBodyBytesInFlight = bodyBytesBudget(settings.server, settings.limits.maxBodyBytes, memoryLimit, process.memoryUsage.rss());
  logger.info({ memoryLimit: memoryLimit ?? 'none', maxBodyBytesInFlight: settings.server.maxBodyBytesInFlight }, 'memory budget');
  const models = new ModelSet();
  const dataplane = new DataPlane(models, settings);
  observeInferences(dataplane, metrics);
  // Drift, live accuracy, payload log (docs/monitoring.md); berth.yaml's reference CSV is for a served file.
  const monitoring = new ModelMonitoring({ settings: settings.monitoring, metrics, logger, codec: rowCodec(settings.limits), referenceCsv: location ? settings.monitoring.reference : '', maxRows: settings.limits.maxRows });
  dataplane.observe(monitoring.observe);
  monitoring.start();

  const manager = new ModelManager(models, settings, metrics, logger, traffic, location ? undefined : settings.repository.path, monitoring);
  const admission = createAdmission(settings, metrics);
  const context = { dataplane, settings, metrics, logger, renderMetrics: options.renderMetrics, admission };
  const repository = repositoryExtension(manager, settings);
  if (repository) dataplane.addExtension('model_repository');
  const app = await createHttpApp(context, [...(repository ? repositoryRoutes(repository) : []), ...monitoringRoutes(monitoring, context)]);
  // Serving a repository without model control: whatever body a repository call carries (real OIP
  // clients send none, or octet-stream), the answer is that model control is off, not a media-type
  // complaint. A single model file has no repository: those paths are 404 like any other.
  if (manager.repository && !repository) await app.register(async (scope) => {
    acceptOipBodies(scope);
    scope.all('/v2/repository/*', async () => {
      throw errors.modelControlOff();
    });
  });
  const address = await app.listen({ host: settings.server.host, port: settings.server.port, backlog: settings.server.listenBacklog }).catch((error: NodeJS.ErrnoException) => {
    void monitoring.close();
    throw error.code === 'EADDRINUSE' ? errors.portInUse('HTTP', settings.server.port, '--port', 'BERTH_PORT') : error;
  });

  let modelsLoaded: Promise<void>;
  if (location) {
    const name = options.name ?? location.name;
    logger.info({ address, model: name, path: location.path }, 'listening; loading model');
    modelsLoaded = manager.loadFile(location.path, { ...modelConfig, name, version: location.version });
  } else {
    logger.info({ address, repository: manager.repository, models: options.models ?? 'all' }, 'listening; loading models from the repository');
    modelsLoaded = manager.serveRepository(options.models ?? []).then(() => manager.watch());
  }
  modelsLoaded = modelsLoaded.catch((error: unknown) => {
    logger.error({ error: error instanceof BerthError ? error.message : String(error) }, 'model failed to load');
    throw error;
  });

  const server: RunningServer = { app, dataplane, settings, metrics, logger, url: address, loaded: modelsLoaded, shutdown: (reason) => shutdown({ app, grpc: server.grpc, dataplane, settings, logger, manager, monitoring }, reason) };
  // gRPC binds while the model loads, so its module load (~80 ms) is not added to the cold start;
  // the pod turns ready only once both listen.
  let grpcListening = settings.server.grpcPort === 0;
  dataplane.addReadinessGate(() => grpcListening);
  const grpcStarted = grpcListening
    ? Promise.resolve()
    : import('../grpc/server.js')
        .then(({ startGrpcServer }) => startGrpcServer({ dataplane, settings, logger, admission, repository }))
        .then((grpc) => {
          server.grpc = grpc;
          grpcListening = true;
          logger.info({ grpcPort: grpc.port }, 'gRPC listening');
        });
  server.loaded = Promise.all([modelsLoaded, grpcStarted]).then(() => undefined);
  server.loaded.catch(() => undefined);
  return server;
}

/** The one condition for the model repository extension, over REST and gRPC alike: serving from a repository. */
/** The repository extension, where this server has one: serving a repository with model control on (it needs the API key). */
function repositoryExtension(manager: ModelManager, settings: Settings): ModelRepository | undefined {
  return manager.repository && settings.server.modelControl ? manager : undefined;
}

async function shutdown(parts: { app: FastifyInstance; grpc?: RunningGrpcServer; dataplane: DataPlane; settings: Settings; logger: Logger; manager: ModelManager; monitoring: ModelMonitoring }, reason: string): Promise<void> {
  const { app, grpc, dataplane, settings, logger, manager, monitoring } = parts;
  manager.close();
  if (dataplane.draining) return;
  dataplane.startDraining();
  // Ctrl+C at a terminal has no load balancer or keep-alive client to wait for.
  const delaySeconds = reason === 'SIGINT' ? 0 : settings.server.drainDelaySeconds;
  logger.info({ reason, drainDelaySeconds: delaySeconds }, 'draining: /ready is 503, every reply says Connection: close, finishing accepted requests');
  // Keep serving while endpoints controllers and load balancers stop routing here, and while
  // every keep-alive client still sending is told to reconnect; only then are idle connections
  // closed, so none is closed under a request its client has just sent.
  if (delaySeconds > 0) await new Promise((resolve) => setTimeout(resolve, delaySeconds * 1000));
  const graceMs = Math.max(0, (settings.server.drainSeconds - delaySeconds) * 1000 - 1000);
  await Promise.all([app.close(), grpc?.close(graceMs)]);
  await dataplane.models.unloadAll();
  await monitoring.close();
  logger.info('drained; exiting');
  logger.flush?.();
}
