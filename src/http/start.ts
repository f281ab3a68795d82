import type { FastifyInstance } from 'fastify';
import { resolveConfig, type ModelConfig, type Settings } from '../core/config.js';
import { readConfigFile } from '../core/config-file.js';
import { BerthError } from '../core/errors.js';
import { createLogger, type Logger } from '../observe/logger.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import { observeInferences } from '../observe/inference-metrics.js';
import { wrapRuntime } from '../pipeline/wrap-runtime.js';
import { DataPlane } from '../protocol/dataplane.js';
import { ModelSet } from '../protocol/model-set.js';
import { locateModel } from '../runtime/model-source.js';
import { createOnnxRuntime } from '../runtime/onnx.js';
import { createHttpApp } from './server.js';
import type { DestinationStream } from 'pino';

export interface ServeOptions {
  /** A model.onnx or a folder with model.onnx and berth.yaml. */
  target: string;
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
  const location = await locateModel(options.target);
  const file = await readConfigFile(options.config ?? location.configPath, options.config === undefined);
  return { location, ...resolveConfig({ file, flags: options.flags, env: options.env }) };
}

export type PreparedServe = Awaited<ReturnType<typeof prepareServe>>;

/** Starts listening at once (probes answer while the model loads), then loads the model. */
export async function startServer(options: ServeOptions, prepared?: PreparedServe): Promise<RunningServer> {
  const { location, settings, model: modelConfig, warnings } = prepared ?? (await prepareServe(options));
  const logger = createLogger(settings.log.level, options.logDestination);
  for (const warning of warnings) logger.warn(warning);
  const metrics = options.metrics ?? createMetrics();
  const models = new ModelSet();
  const dataplane = new DataPlane(models, settings);
  observeInferences(dataplane, metrics);

  const app = await createHttpApp({ dataplane, settings, metrics, logger, renderMetrics: options.renderMetrics });
  const address = await app.listen({ host: settings.server.host, port: settings.server.port });
  const name = options.name ?? modelConfig.name ?? location.defaultName;
  const config: ModelConfig = { ...modelConfig, name };
  logger.info({ address, model: name, path: location.modelPath }, 'listening; loading model');

  const loaded = loadModel(models, metrics, logger, settings, config, location.modelPath);
  loaded.catch(() => undefined);
  return { app, dataplane, settings, metrics, logger, url: address, loaded, shutdown: (reason) => shutdown({ app, dataplane, settings, logger }, reason) };
}

async function loadModel(models: ModelSet, metrics: Metrics, logger: Logger, settings: Settings, config: ModelConfig, path: string): Promise<void> {
  const name = config.name!;
  const version = '1';
  const started = performance.now();
  const runtime = wrapRuntime(createOnnxRuntime({ path, name, version }, settings.onnx), name, config, settings, metrics);
  try {
    const entry = await models.load(name, version, runtime, config);
    const seconds = (performance.now() - started) / 1000;
    metrics.modelLoadSeconds.set({ model: name, version }, seconds);
    metrics.modelReady.set({ model: name, version }, 1);
    logger.info({ model: name, version, seconds: Math.round(seconds * 1000) / 1000, inputs: entry.metadata!.inputs, outputs: entry.metadata!.outputs.map((output) => output.name) }, 'model ready');
  } catch (error) {
    logger.error({ model: name, error: error instanceof BerthError ? error.message : String(error) }, 'model failed to load');
    throw error;
  }
}

async function shutdown(parts: { app: FastifyInstance; dataplane: DataPlane; settings: Settings; logger: Logger }, reason: string): Promise<void> {
  const { app, dataplane, settings, logger } = parts;
  if (dataplane.draining) return;
  dataplane.startDraining();
  logger.info({ reason, drainDelaySeconds: settings.server.drainDelaySeconds }, 'draining: /ready is 503, finishing accepted requests');
  // Keep serving while endpoints controllers and load balancers stop routing here.
  if (settings.server.drainDelaySeconds > 0) await new Promise((resolve) => setTimeout(resolve, settings.server.drainDelaySeconds * 1000));
  await app.close();
  await dataplane.models.unloadAll();
  logger.info('drained; exiting');
  logger.flush?.();
}
