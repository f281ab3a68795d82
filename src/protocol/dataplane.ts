import type { Settings } from '../core/config.js';
import { berthVersion } from '../core/version.js';
import { validateRequest, validateResponse } from '../pipeline/validate.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../runtime/runtime.js';
import type { ModelSet, ServedModel } from './model-set.js';
import { chooseVersion, responsesAgree } from './traffic.js';

/** What observers (metrics, drift, payload log) learn about each inference; they never change it. */
export interface InferenceEvent {
  model: string;
  version: string;
  rows: number;
  seconds: number;
  request: InferenceRequest;
  response?: InferenceResponse;
  error?: unknown;
  /** The caller's request id (HTTP X-Request-Id, gRPC request id; else the OIP `id`): feedback names predictions by it. */
  requestId?: string;
}

export type InferenceObserver = (event: InferenceEvent) => void;

/** A shadow comparison: the candidate's answer to a copy of a request, compared then discarded. */
export interface ShadowEvent {
  model: string;
  version: string;
  shadowVersion: string;
  agreed?: boolean;
  error?: unknown;
}

export interface InferResult {
  metadata: ModelMetadata;
  model: ServedModel;
  response: InferenceResponse;
}

/**
 * Every protocol-agnostic operation (MLServer's handlers/dataplane.py): REST dialects and gRPC
 * decode their wire format, call these, and encode the result. No HTTP here.
 */
export class DataPlane {
  #draining = false;
  readonly #readinessGates: Array<() => boolean> = [];
  readonly #observers: InferenceObserver[] = [];
  readonly #shadowObservers: Array<(event: ShadowEvent) => void> = [];
  /** Triton's extension names (binary data, configuration, statistics) and Berth's own dialects. */
  readonly #extensions = new Set(['binary_tensor_data', 'model_configuration', 'statistics', 'berth_seed_dialect', 'kserve_v1']);

  constructor(readonly models: ModelSet, readonly settings: Settings) {}

  observe(observer: InferenceObserver): void {
    this.#observers.push(observer);
  }

  observeShadows(observer: (event: ShadowEvent) => void): void {
    this.#shadowObservers.push(observer);
  }

  /** OIP v2 "server live": the process can answer; never touches a model. */
  live(): boolean {
    return true;
  }

  /** OIP v2 "server ready": every model loaded, and not draining after SIGTERM. */
  ready(): boolean {
    return this.readiness() === 'ready';
  }

  readiness(): 'ready' | 'loading' | 'draining' {
    if (this.#draining) return 'draining';
    return this.models.allReady() && this.#readinessGates.every((gate) => gate()) ? 'ready' : 'loading';
  }

  /** An extra condition for readiness: the gRPC listener is up; with workers, all of them have loaded. */
  addReadinessGate(gate: () => boolean): void {
    this.#readinessGates.push(gate);
  }

  startDraining(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** OIP v2 "server metadata": the extensions are exactly those this server configuration answers. */
  serverMetadata() {
    return { name: 'berth', version: berthVersion, extensions: [...this.#extensions] };
  }

  /** Announces an extension that depends on the configuration (the model repository). */
  addExtension(name: string): void {
    this.#extensions.add(name);
  }

  modelReady(name: string, version?: string): boolean {
    try {
      this.models.ready(name, version);
      return true;
    } catch (error) {
      if ((error as { status?: number }).status === 404) throw error;
      return false;
    }
  }

  modelMetadata(name: string, version?: string): { metadata: ModelMetadata; versions: string[]; traffic: Record<string, string | number> } {
    const { model, entry } = this.models.ready(name, version);
    const versions = [...model.versions.values()].filter((candidate) => candidate.state === 'ready').map((candidate) => candidate.version);
    const traffic: Record<string, string | number> = {};
    if (model.current !== undefined) traffic.current_version = model.current;
    if (model.traffic?.canary) Object.assign(traffic, { canary_version: model.traffic.canary.version, canary_percent: model.traffic.canary.percent });
    if (model.traffic?.shadow) {
      const { shadowCompared, shadowDisagreed, shadowFailed } = model.stats;
      Object.assign(traffic, { shadow_version: model.traffic.shadow.version, shadow_compared: shadowCompared, shadow_failed: shadowFailed, shadow_disagreement_rate: shadowCompared === 0 ? 0 : shadowDisagreed / shadowCompared });
    }
    return { metadata: entry.metadata, versions, traffic };
  }

  /**
   * Resolves the model (and, when no version is named, the version its traffic policy picks),
   * validates the request against the signature, runs it within the deadline, and sends a copy
   * to the shadow version if there is one. `stickyKey` (the request id) keeps canary choices stable.
   */
  async infer(name: string, version: string | undefined, request: InferenceRequest, options: { stickyKey?: string; shadow?: boolean } = {}): Promise<InferResult> {
    const { model, entry } = version === undefined ? this.pick(name, options.stickyKey ?? request.id) : this.models.ready(name, version);
    const metadata = entry.metadata;
    const rows = validateRequest(request, metadata, this.settings.limits, { allowMissing: model.config.allowMissing === true });
    request.deadline ??= Date.now() + this.settings.server.requestTimeoutMs;
    const requestId = options.stickyKey ?? request.id;
    const started = performance.now();
    entry.inFlight++;
    try {
      // The deadline is enforced where requests wait — the batcher's queue answers 504 for a
      // request whose deadline passes before its model call — so no timer per request here.
      const response = await entry.runtime.infer(request);
      validateResponse(response, this.settings.limits);
      const seconds = (performance.now() - started) / 1000;
      entry.stats.request(true, rows, seconds);
      this.#emit({ model: name, version: entry.version, rows, seconds, request, response, requestId });
      if (options.shadow ?? version === undefined) this.#shadow(model, entry.version, request, response);
      return { metadata, model, response };
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      entry.stats.request(false, rows, seconds);
      this.#emit({ model: name, version: entry.version, rows, seconds, request, error, requestId });
      throw error;
    } finally {
      entry.inFlight--;
    }
  }

  /** The version that answers a request naming none: the current one, or the canary's share. */
  pick(name: string, stickyKey?: string) {
    return this.models.ready(name, chooseVersion(this.models.model(name), stickyKey));
  }

  /** Runs the shadow copy after the primary answered; its outcome only feeds statistics. */
  #shadow(model: ServedModel, primaryVersion: string, request: InferenceRequest, primary: InferenceResponse): void {
    const shadowVersion = model.traffic?.shadow?.version;
    const shadow = shadowVersion === undefined ? undefined : model.versions.get(shadowVersion);
    if (!shadow || shadow.state !== 'ready' || shadowVersion === primaryVersion) return;
    const copy: InferenceRequest = { inputs: request.inputs, outputs: request.outputs, deadline: Date.now() + this.settings.server.requestTimeoutMs };
    shadow.inFlight++;
    shadow.runtime.infer(copy).then(
      (response) => {
        const agreed = responsesAgree(primary, response, shadow.metadata!);
        model.stats.shadowCompared++;
        if (!agreed) model.stats.shadowDisagreed++;
        this.#emitShadow({ model: model.name, version: primaryVersion, shadowVersion: shadowVersion!, agreed });
      },
      (error) => {
        model.stats.shadowFailed++;
        this.#emitShadow({ model: model.name, version: primaryVersion, shadowVersion: shadowVersion!, error });
      },
    ).finally(() => shadow.inFlight--);
  }

  #emitShadow(event: ShadowEvent): void {
    for (const observer of this.#shadowObservers) {
      try {
        observer(event);
      } catch {
        // never let statistics fail anything
      }
    }
  }

  #emit(event: InferenceEvent): void {
    for (const observer of this.#observers) {
      try {
        observer(event);
      } catch {
        // An observer's fault must never fail or slow an inference.
      }
    }
  }
}
