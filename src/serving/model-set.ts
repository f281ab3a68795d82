import { errors } from '../core/errors.js';
import type { ModelConfig } from '../core/config.js';
import type { TrafficPolicy } from '../core/config.js';
import { InferenceStats } from '../pipeline/inference-stats.js';
import type { ModelMetadata } from '../core/inference.js';
import type { ModelRuntime } from '../runtime/runtime.js';

export type ModelState = 'loading' | 'ready' | 'failed' | 'unloaded';

/** One version of one model as the server holds it. */
export interface ModelVersion {
  version: string;
  state: ModelState;
  runtime: ModelRuntime;
  /** Set once loaded. */
  metadata?: ModelMetadata;
  error?: string;
  /** Cumulative counters since it loaded (the statistics extension). */
  stats: InferenceStats;
}

/** Counters behind the shadow disagreement rate shown in model metadata. */
export interface TrafficStats {
  shadowCompared: number;
  shadowDisagreed: number;
  shadowFailed: number;
}

export interface ServedModel {
  name: string;
  config: ModelConfig;
  versions: Map<string, ModelVersion>;
  /** The version that answers requests naming no version. */
  current?: string;
  traffic?: TrafficPolicy;
  stats: TrafficStats;
}

/**
 * The models this process serves, by name and version (MLServer's model registry, Triton's
 * repository manager). Loading happens here; the data plane only looks models up.
 */
export class ModelSet {
  readonly #models = new Map<string, ServedModel>();

  names(): string[] {
    return [...this.#models.keys()];
  }

  /** The name of the one model served, or undefined when there are none or several. */
  only(): string | undefined {
    return this.#models.size === 1 ? this.#models.keys().next().value : undefined;
  }

  model(name: string): ServedModel {
    const model = this.#models.get(name);
    if (!model) throw errors.unknownModel(name);
    return model;
  }

  has(name: string): boolean {
    return this.#models.has(name);
  }

  /** Loads a version; it becomes current once ready unless `makeCurrent` is false. */
  async load(
    name: string,
    version: string,
    runtime: ModelRuntime,
    config: ModelConfig,
    makeCurrent = true,
    stats = new InferenceStats(),
  ): Promise<ModelVersion> {
    let model = this.#models.get(name);
    if (!model) {
      model = {
        name,
        config,
        versions: new Map(),
        traffic: config.traffic,
        stats: { shadowCompared: 0, shadowDisagreed: 0, shadowFailed: 0 },
      };
      this.#models.set(name, model);
    }
    const entry: ModelVersion = { version, state: 'loading', runtime, stats };
    model.versions.set(version, entry);
    try {
      await runtime.load();
      entry.metadata = runtime.metadata();
      entry.state = 'ready';
      model.config = config;
      if (makeCurrent) model.current = version;
      return entry;
    } catch (error) {
      entry.state = 'failed';
      entry.error = (error as Error).message;
      throw error;
    }
  }

  /** A ready version: the named one, or the current one. */
  ready(name: string, version?: string): { model: ServedModel; entry: ModelVersion & { metadata: ModelMetadata } } {
    const model = this.model(name);
    const wanted = version ?? model.current;
    const entry = wanted === undefined ? undefined : model.versions.get(wanted);
    if (!entry) {
      if (version !== undefined) throw errors.unknownVersion(name, version);
      throw errors.modelNotReady(name);
    }
    if (entry.state !== 'ready' || !entry.metadata)
      throw entry.state === 'unloaded' ? errors.unknownVersion(name, entry.version) : errors.modelNotReady(name);
    return { model, entry: entry as ModelVersion & { metadata: ModelMetadata } };
  }

  setCurrent(name: string, version: string): void {
    const model = this.model(name);
    if (model.versions.get(version)?.state !== 'ready') throw errors.unknownVersion(name, version);
    model.current = version;
  }

  /**
   * Unloads one version (or all): it stops taking requests at once, and its session is released
   * once the requests already running on it have finished (the batcher waits for them).
   */
  async unload(name: string, version?: string): Promise<void> {
    const model = this.model(name);
    const targets =
      version === undefined
        ? [...model.versions.values()]
        : [
            model.versions.get(version) ??
              (() => {
                throw errors.unknownVersion(name, version);
              })(),
          ];
    for (const entry of targets) {
      entry.state = 'unloaded';
      model.versions.delete(entry.version);
    }
    if (model.current !== undefined && !model.versions.has(model.current))
      model.current = [...model.versions.keys()].at(-1);
    if (model.versions.size === 0) this.#models.delete(name);
    await Promise.all(targets.map((entry) => entry.runtime.unload()));
  }

  /** Ready = every model has a ready current version (Kubernetes readinessProbe semantics). */
  allReady(): boolean {
    if (this.#models.size === 0) return false;
    for (const model of this.#models.values()) {
      const current = model.current === undefined ? undefined : model.versions.get(model.current);
      if (current?.state !== 'ready') return false;
    }
    return true;
  }

  async unloadAll(): Promise<void> {
    for (const name of this.names()) await this.unload(name);
  }
}
