import type { Settings } from '../core/config.js';
import type {
  InferenceObserver,
  InferenceRequest,
  InferenceResponse,
  ModelMetadata,
  ShadowObserver,
} from '../core/inference.js';
import { berthVersion } from '../core/version.js';
import { rowsOf } from '../pipeline/batch-merge.js';
import { checkReply } from '../pipeline/reply-limit.js';
import { RequestBuilder, type ValueRules } from '../pipeline/request-builder.js';
import type { ModelRuntime } from '../runtime/runtime.js';
import type { Codec, ReplyEncoder } from './codec.js';
import type { ModelSet, ModelVersion } from './model-set.js';
import { LoopSlices } from './loop-slices.js';
import { reportInference } from './observed.js';
import { Observers } from './observers.js';
import type { RequestContext } from './request-context.js';
import { shadowed } from './shadow.js';
import { chooseVersion } from './traffic.js';

/** A request builder's rules, one object each rather than one per request (the builder only reads them). */
const allowingMissing: ValueRules = { allowMissing: true };
const refusingMissing: ValueRules = { allowMissing: false };

/**
 * Every protocol-agnostic operation (MLServer's handlers/dataplane.py): the HTTP routes and the
 * gRPC service hand it a request in their dialect's codec and send back what it answers. No
 * transport here.
 */
export class DataPlane {
  #draining = false;
  readonly #readinessGates: Array<() => boolean> = [];
  /** Told of every inference and shadow comparison; the model manager wires them into each version. */
  readonly observers = new Observers();
  /** Each version's runtime with its shadow copy, made once per version. */
  readonly #shadowed = new WeakMap<ModelVersion, ModelRuntime>();
  /** Triton's extension names (binary data, configuration, statistics) and Berth's own dialects. */
  readonly #extensions = new Set([
    'binary_tensor_data',
    'model_configuration',
    'statistics',
    'berth_seed_dialect',
    'kserve_v1',
  ]);

  /** @param slices the event loop's time for admitted requests' costly steps (loop-slices.ts), shared with admission; none for in-process use. */
  constructor(
    readonly models: ModelSet,
    readonly settings: Settings,
    readonly slices = new LoopSlices(0),
  ) {}

  observe(observer: InferenceObserver): void {
    this.observers.onInference(observer);
  }

  observeShadows(observer: ShadowObserver): void {
    this.observers.onShadow(observer);
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

  modelMetadata(
    name: string,
    version?: string,
  ): { metadata: ModelMetadata; versions: string[]; traffic: Record<string, string | number> } {
    const { model, entry } = this.models.ready(name, version);
    const versions = [...model.versions.values()]
      .filter((candidate) => candidate.state === 'ready')
      .map((candidate) => candidate.version);
    const traffic: Record<string, string | number> = {};
    if (model.current !== undefined) traffic.current_version = model.current;
    if (model.traffic?.canary)
      Object.assign(traffic, {
        canary_version: model.traffic.canary.version,
        canary_percent: model.traffic.canary.percent,
      });
    if (model.traffic?.shadow) {
      const { shadowCompared, shadowDisagreed, shadowFailed } = model.stats;
      Object.assign(traffic, {
        shadow_version: model.traffic.shadow.version,
        shadow_compared: shadowCompared,
        shadow_failed: shadowFailed,
        shadow_disagreement_rate: shadowCompared === 0 ? 0 : shadowDisagreed / shadowCompared,
      });
    }
    return { metadata: entry.metadata, versions, traffic };
  }

  /** The model /predict answers for: the only one served. */
  defaultModel(): string | undefined {
    return this.models.only();
  }

  /**
   * One inference in any dialect: routes it to a version, decodes `body` with `codec` against that
   * version's signature (every check made once, as it decodes), runs it within its deadline, and
   * encodes the answer. The deadline is enforced where requests wait: the batcher's queue answers
   * 504 for a request whose deadline passes before its model call, so no timer per request here.
   * The inference is counted and reported here (observed.ts), and its reply checked against the
   * limit (reply-limit.ts), rather than by runtimes around the version's: one async function per
   * request instead of three nested ones.
   */
  async infer<Body, Reply>(
    name: string,
    version: string | undefined,
    codec: Codec<Body, Reply>,
    body: Body,
    context: RequestContext,
  ): Promise<Reply> {
    const { entry, runtime, config } = this.#route(name, version, context);
    // A sampled request's steps are spans of its trace (inference-trace.ts); otherwise `trace` is undefined and each step costs a check.
    const trace = context.trace?.inference;
    if (trace)
      context.trace!.set({ 'berth.model': entry.metadata.name, 'berth.model.version': entry.metadata.version });
    const decoding = trace?.step('decode');
    let request: InferenceRequest;
    let encode: ReplyEncoder<Reply>;
    try {
      const builder = new RequestBuilder(
        entry.metadata,
        this.settings.limits,
        config.allowMissing === true ? allowingMissing : refusingMissing,
      );
      encode = codec.decode(body, builder, { metadata: entry.metadata, config });
      request = this.#finish(builder, context);
    } catch (error) {
      decoding?.end(error);
      throw error;
    }
    const rows = rowsOf(request);
    if (trace) {
      request.trace = trace;
      decoding!.set({ 'berth.rows': rows });
      decoding!.end();
    }
    const started = performance.now();
    let response: InferenceResponse;
    try {
      response = checkReply(await runtime.infer(request), this.settings.limits);
    } catch (error) {
      reportInference(this.observers.inference, name, entry, request, rows, started, undefined, error);
      throw error;
    }
    reportInference(this.observers.inference, name, entry, request, rows, started, response);
    // A batch's answers arrive together: each is encoded and written in a slice of its own turn.
    const turn = this.slices.wait(context.ticket?.bytes ?? 0);
    if (turn) await turn;
    const encoding = trace?.step('encode');
    try {
      const reply = encode(response, request);
      encoding?.end();
      return reply;
    } catch (error) {
      encoding?.end(error);
      throw error;
    }
  }

  #finish(builder: RequestBuilder, context: RequestContext): InferenceRequest {
    const request = builder.finish();
    request.deadline = context.deadline ?? Date.now() + this.settings.server.requestTimeoutMs;
    request.requestId = context.id;
    if (context.origin) request.origin = context.origin;
    return request;
  }

  /**
   * Which version answers, and the runtime to call. A named version answers alone. Otherwise the
   * model's traffic policy decides, the same for every dialect: the canary's share of requests
   * (sticky per request id) goes to the canary version, and a client's request is copied to the
   * shadow version. The version is chosen before decoding: each decodes against its own signature.
   */
  #route(name: string, version: string | undefined, context: RequestContext) {
    if (version !== undefined) {
      const { model, entry } = this.models.ready(name, version);
      return { entry, runtime: entry.runtime, config: model.config };
    }
    const model = this.models.model(name);
    const { entry } = this.models.ready(name, chooseVersion(model, context.id));
    let runtime = entry.runtime;
    if (model.traffic?.shadow && context.origin === undefined) {
      runtime =
        this.#shadowed.get(entry) ??
        shadowed(
          entry.runtime,
          model,
          entry.version,
          this.observers.shadow,
          this.settings.server.requestTimeoutMs,
          this.settings.limits,
        );
      this.#shadowed.set(entry, runtime);
    }
    return { entry, runtime, config: model.config };
  }
}
