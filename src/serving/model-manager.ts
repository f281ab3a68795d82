import type { ModelConfig, Settings, TrafficPolicy } from '../core/config.js';
import { BerthError, errors } from '../core/errors.js';
import type { LoadedVersion } from '../core/inference.js';
import { importedFrom, paritySummary } from '../core/parity-report.js';
import { allocate, type Tensor } from '../core/tensor.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import { InferenceStats } from '../pipeline/inference-stats.js';
import { checkModelName } from '../registry/layout.js';
import {
  listModels,
  readAliases,
  resolveModel,
  watchRepository,
  type RepositoryWatcher,
  type ResolvedModel,
} from '../registry/index.js';
import type { ModelRuntime, RuntimeFactory, RuntimeSource } from '../runtime/runtime.js';
import { checkConfigFits } from './config-fit.js';
import type { DataPlane } from './data-plane.js';
import type { ModelRepository, RepositoryIndexEntry } from './repository.js';
import { composeVersion } from './served-version.js';

/** Told when a version starts and stops serving (monitoring attaches drift detection here). */
export interface VersionListener {
  /** Before the version takes traffic; a rejection fails the load. */
  versionLoaded(version: LoadedVersion): Promise<void>;
  versionUnloaded(name: string, version: string): void;
}

export interface ModelManagerOptions {
  settings: Settings;
  /** Makes each version's runtime (onnxruntime in the server, a fake in tests). */
  runtimes: RuntimeFactory;
  metrics: Metrics;
  logger: Logger;
  /** berth.yaml `traffic:`: canary and shadow versions by model. */
  traffic?: Record<string, TrafficPolicy>;
  /** Serve from this registry folder (else one model file). */
  repository?: string;
  listener?: VersionListener;
}

type VersionSource = RuntimeSource & { reference?: { source: string; profile: unknown } };

/**
 * Loads models into the ModelSet — from a file, or from the registry — and switches versions
 * without dropping a request: the new version loads and warms up in the background, takes new
 * requests in one assignment, and the old one is unloaded once its in-flight requests finish
 * (ModelSet.unload waits for them). A version that fails to load (e.g. a tampered file whose
 * sha256 no longer matches) is refused and the previous version keeps serving.
 */
export class ModelManager implements ModelRepository {
  readonly #follow = new Map<string, string>();
  #watcher?: RepositoryWatcher;
  #switching = new Map<string, Promise<void>>();
  readonly #traffic: Record<string, TrafficPolicy>;

  constructor(
    readonly dataplane: DataPlane,
    readonly options: ModelManagerOptions,
  ) {
    this.#traffic = options.traffic ?? {};
  }

  get models() {
    return this.dataplane.models;
  }

  /** The registry folder served, if any. */
  get repository(): string | undefined {
    return this.options.repository;
  }

  /**
   * Serves one model file as `model.version` from berth.yaml (set by `berth build`), else version
   * 1; it answers requests naming no version unless `makeCurrent` is false (a canary or shadow).
   */
  async loadFile(path: string, config: ModelConfig, makeCurrent = true): Promise<void> {
    await this.#load(
      { name: config.name!, version: config.version ?? '1', path },
      { ...config, traffic: config.traffic ?? this.#traffic[config.name!] },
      makeCurrent,
    );
  }

  /** Serves models from the registry: `refs` like `iris@production`; none = every model. */
  async serveRepository(refs: string[]): Promise<void> {
    const repository = this.repository!;
    const wanted = refs.length > 0 ? refs : (await listModels(repository)).map((model) => model.name);
    for (const ref of wanted) {
      const [name, alias] = ref.split('@') as [string, string | undefined];
      this.#follow.set(
        name,
        alias ?? ((await readAliases(repository, name)).aliases.production ? 'production' : 'latest'),
      );
    }
    await Promise.all([...this.#follow.keys()].map((name) => this.sync(name)));
  }

  /** Re-resolves the reference a model follows and switches when it points elsewhere. */
  sync(name: string): Promise<void> {
    // One switch per model at a time; a sync asked for during one runs after it.
    const previous = this.#switching.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#sync(name));
    this.#switching.set(name, next);
    return next;
  }

  async #sync(name: string): Promise<void> {
    const ref = this.#follow.get(name);
    if (!ref || !this.repository) return;
    const resolved = await resolveModel(this.repository, `${name}@${ref}`);
    const version = String(resolved.version);
    const current = this.models.has(name) ? this.models.model(name).current : undefined;
    const config = this.#configOf(resolved);
    if (current !== version) {
      await this.#load(registeredVersion(name, version, resolved), config, true);
      this.options.logger.info(
        { model: name, from: current, to: version, ref },
        current ? 'switched version' : 'serving version',
      );
    }
    await this.#loadCandidates(name, config);
    await this.#retireUnneeded(name);
  }

  /** Loads the canary and shadow versions named by the model's traffic policy. */
  async #loadCandidates(name: string, config: ModelConfig): Promise<void> {
    const policy = this.#traffic[name];
    for (const version of [policy?.canary?.version, policy?.shadow?.version]) {
      if (version === undefined || this.models.model(name).versions.has(version)) continue;
      const resolved = await resolveModel(this.repository!, `${name}@${version}`);
      await this.#load(registeredVersion(name, version, resolved), config, false);
    }
  }

  async #retireUnneeded(name: string): Promise<void> {
    const model = this.models.model(name);
    const policy = this.#traffic[name];
    const keep = new Set([model.current, policy?.canary?.version, policy?.shadow?.version]);
    for (const version of [...model.versions.keys()]) {
      if (keep.has(version)) continue;
      this.options.metrics.modelReady.set({ model: name, version }, 0);
      this.options.listener?.versionUnloaded(name, version);
      await this.models.unload(name, version);
      this.options.logger.info({ model: name, version }, 'unloaded old version');
    }
  }

  async #load(source: VersionSource, config: ModelConfig, makeCurrent: boolean): Promise<void> {
    const started = performance.now();
    const stats = new InferenceStats();
    const runtime = composeVersion(this.options.runtimes(source), {
      name: source.name,
      config,
      settings: this.options.settings,
      metrics: this.options.metrics,
      stats,
    });
    await this.models.load(source.name, source.version, runtime, config, false, stats);
    try {
      checkConfigFits(runtime.metadata(), config);
    } catch (error) {
      await this.models.unload(source.name, source.version);
      throw error;
    }
    try {
      await warmUp(runtime);
    } catch (error) {
      // Zeros are not valid input for every model (a categorical column, say); the model loaded
      // fine, so it serves, without the warm-up.
      this.options.logger.warn(
        { model: source.name, version: source.version, error: (error as Error).message },
        'warm-up inference failed; serving without it',
      );
    }
    const metadata = runtime.metadata();
    await this.options.listener?.versionLoaded({
      name: source.name,
      version: source.version,
      config,
      metadata,
      infer: (request) => runtime.infer(request),
      reference: source.reference,
    });
    stats.reset();
    if (makeCurrent) this.models.setCurrent(source.name, source.version);
    const seconds = (performance.now() - started) / 1000;
    this.options.metrics.modelLoadSeconds.set({ model: source.name, version: source.version }, seconds);
    this.options.metrics.modelReady.set({ model: source.name, version: source.version }, 1);
    this.options.logger.info(
      {
        model: source.name,
        version: source.version,
        seconds: Math.round(seconds * 1000) / 1000,
        inputs: metadata.inputs,
        outputs: metadata.outputs.map((output) => output.name),
      },
      'model ready',
    );
  }

  #configOf(resolved: ResolvedModel): ModelConfig {
    const { features, labels } = resolved.metadata;
    return { name: resolved.name, features, labels, traffic: this.#traffic[resolved.name] };
  }

  /** Watches the repository and follows alias moves and new versions. */
  watch(): void {
    if (!this.repository || this.#watcher) return;
    this.#watcher = watchRepository(
      this.repository,
      (changes) => {
        for (const name of new Set(changes.map((change) => change.name))) {
          if (this.#follow.has(name))
            this.sync(name).catch((error: Error) =>
              this.options.logger.error(
                { model: name, error: error.message },
                'version switch failed; previous version keeps serving',
              ),
            );
        }
      },
      { onError: (error) => this.options.logger.warn({ error: String(error) }, 'repository watch error') },
    );
  }

  /** OIP repository extension: the index of the repository's models and versions with their state. */
  async repositoryIndex(readyOnly = false): Promise<RepositoryIndexEntry[]> {
    const index: RepositoryIndexEntry[] = [];
    for (const model of await listModels(this.repository!)) {
      const served = this.models.has(model.name) ? this.models.model(model.name) : undefined;
      for (const { version } of model.versions) {
        const entry = served?.versions.get(String(version));
        const state = entry ? (entry.state === 'ready' ? 'READY' : entry.state.toUpperCase()) : 'UNAVAILABLE';
        if (readyOnly && state !== 'READY') continue;
        index.push({
          name: model.name,
          version: String(version),
          state,
          reason: this.withoutPaths(entry?.error ?? (served?.current === String(version) ? 'current' : '')),
        });
      }
    }
    return index;
  }

  /**
   * OIP repository extension: load (or reload) a model, following `production`/latest or a
   * pinned version. The name must be a model name of the repository's layout (no `..`, no
   * slashes) and the reference must resolve before anything is remembered, so unknown names cost
   * no memory and a bad version leaves what is followed as it was.
   */
  async loadModel(name: string, version?: unknown): Promise<void> {
    await this.#withoutPaths(async () => {
      checkModelName(name);
      if (
        version !== undefined &&
        ((typeof version !== 'string' && typeof version !== 'number') || !/^[1-9]\d{0,8}$/.test(String(version)))
      )
        throw errors.badVersion(String(version));
      const ref =
        version !== undefined
          ? String(version)
          : (this.#follow.get(name) ??
            ((await readAliases(this.repository!, name)).aliases.production ? 'production' : 'latest'));
      await resolveModel(this.repository!, `${name}@${ref}`);
      this.#follow.set(name, ref);
      await this.sync(name);
    });
  }

  async unloadModel(name: string): Promise<void> {
    checkModelName(name);
    const served = this.models.model(name);
    this.#follow.delete(name);
    for (const version of served.versions.keys()) {
      this.options.metrics.modelReady.set({ model: name, version }, 0);
      this.options.listener?.versionUnloaded(name, version);
    }
    await this.models.unload(name);
  }

  /** A load failure's reason with the repository's folder left out (`index` shows it too). */
  withoutPaths(text: string): string {
    return this.repository ? text.split(this.repository).join('<repository>') : text;
  }

  /** Replies never show where the repository is on disk. */
  async #withoutPaths(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof BerthError)) throw error;
      throw new BerthError(error.code, error.status, this.withoutPaths(error.message), { headers: error.headers });
    }
  }

  close(): void {
    this.#watcher?.close();
  }
}

/** What a registered version adds to its OIP metadata parameters: how `berth import` made it. */
function versionProperties(resolved: ResolvedModel): Record<string, string> {
  const report = resolved.metadata.parity;
  return report ? { imported_from: importedFrom(report), parity: paritySummary(report) } : {};
}

/** One inference on a row of zeros, so the first real request does not pay for lazy initialisation. */
async function warmUp(runtime: ModelRuntime): Promise<void> {
  const inputs: Tensor[] = runtime.metadata().inputs.map((input) => {
    const shape = input.shape.map((dim) => (dim < 0 ? 1 : dim));
    return {
      name: input.name,
      datatype: input.datatype,
      shape,
      data: allocate(
        input.datatype,
        shape.reduce((product, dim) => product * dim, 1),
      ),
    };
  });
  await runtime.infer({ inputs });
}

/** What the model set loads for a registered version. */
function registeredVersion(name: string, version: string, resolved: Awaited<ReturnType<typeof resolveModel>>) {
  return {
    name,
    version,
    path: resolved.path,
    sha256: resolved.sha256,
    reference: resolved.metadata.reference,
    properties: versionProperties(resolved),
  };
}
