import { errors } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import { berthVersion } from '../core/version.js';
import { validateRequest } from '../pipeline/validate.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../runtime/runtime.js';
import type { ModelSet, ServedModel } from './model-set.js';

/** What observers (metrics, drift, payload log) learn about each inference; they never change it. */
export interface InferenceEvent {
  model: string;
  version: string;
  rows: number;
  seconds: number;
  request: InferenceRequest;
  response?: InferenceResponse;
  error?: unknown;
}

export type InferenceObserver = (event: InferenceEvent) => void;

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
  #readinessGate: () => boolean = () => true;
  readonly #observers: InferenceObserver[] = [];

  constructor(readonly models: ModelSet, readonly settings: Settings) {}

  observe(observer: InferenceObserver): void {
    this.#observers.push(observer);
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
    return this.models.allReady() && this.#readinessGate() ? 'ready' : 'loading';
  }

  /** An extra condition for readiness: with several workers, that all of them have loaded. */
  setReadinessGate(gate: () => boolean): void {
    this.#readinessGate = gate;
  }

  startDraining(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  serverMetadata() {
    return { name: 'berth', version: berthVersion, extensions: ['model_repository', 'berth_seed_dialect', 'kserve_v1'] };
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

  modelMetadata(name: string, version?: string): { metadata: ModelMetadata; versions: string[] } {
    const { model, entry } = this.models.ready(name, version);
    const versions = [...model.versions.values()].filter((candidate) => candidate.state === 'ready').map((candidate) => candidate.version);
    return { metadata: entry.metadata, versions };
  }

  /** Resolves the model, validates the request against its signature, runs it within the deadline. */
  async infer(name: string, version: string | undefined, request: InferenceRequest): Promise<InferResult> {
    const { model, entry } = this.models.ready(name, version);
    const metadata = entry.metadata;
    const rows = validateRequest(request, metadata, this.settings.limits);
    const timeoutMs = this.settings.server.requestTimeoutMs;
    request.deadline ??= Date.now() + timeoutMs;
    const started = performance.now();
    try {
      const response = await withDeadline(entry.runtime.infer(request), request.deadline, timeoutMs);
      this.#emit({ model: name, version: entry.version, rows, seconds: (performance.now() - started) / 1000, request, response });
      return { metadata, model, response };
    } catch (error) {
      this.#emit({ model: name, version: entry.version, rows, seconds: (performance.now() - started) / 1000, request, error });
      throw error;
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

function withDeadline<T>(work: Promise<T>, deadline: number, timeoutMs: number): Promise<T> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(errors.deadlineExceeded(timeoutMs));
  let timer: NodeJS.Timeout;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(errors.deadlineExceeded(timeoutMs)), remaining);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
