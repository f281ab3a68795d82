import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Settings } from '../core/config.js';
import { errors, type BerthError } from '../core/errors.js';
import type { Metrics } from '../observe/metrics.js';
import type { TraceArrival, Tracing } from '../observe/tracing/tracing.js';
import { Admission } from './admission.js';
import type { RequestContext } from './request-context.js';

/** What a transport knows of a request when it arrives, before its body is read. */
export interface Arrival {
  /** The caller's request id header (any value: only a safe token is kept). */
  requestId: unknown;
  /** The `authorization` header or metadata value. */
  authorization: unknown;
  /** The bytes the request will hold (HTTP: Content-Length; gRPC: the received message). */
  bytes: number;
  /** Probes and scrapes: never need the key, never refused. */
  open: boolean;
  /** For the request's server span: given only when the gate has a tracer (`gate.tracing`). */
  trace?: TraceArrival;
}

const requestIdPattern = /^[\w.:@/+=-]{1,128}$/;

/**
 * The one way in for HTTP and gRPC alike: the request id rule, the API key check (`Authorization:
 * Bearer <key>`, compared in constant time) and admission control (admission.ts), giving each
 * request its RequestContext. Shared by both transports, so one capacity serves them both.
 */
export class RequestGate {
  readonly admission: Admission;
  readonly #expectedKey?: Buffer;

  /** @param tracing present when tracing is on (observe/tracing/): each admitted request gets a server span. */
  constructor(
    readonly settings: Settings,
    metrics: Metrics,
    readonly tracing?: Tracing,
  ) {
    const { server, limits } = settings;
    this.admission = new Admission(
      {
        maxInFlight: server.maxInFlight,
        maxBodyBytesInFlight: server.maxBodyBytesInFlight,
        maxBodyBytes: limits.maxBodyBytes,
        maxEventLoopLagMs: server.maxEventLoopLagMs,
        maxSojournMs: server.maxSojournMs,
        loopSliceMicros: server.loopSliceMicros,
      },
      (reason) => metrics.shed.inc({ model: '', reason }),
    );
    this.#expectedKey = server.apiKey ? digest(server.apiKey) : undefined;
  }

  /** The caller's request id when it is a safe token (it is echoed in headers and logs), else a new UUID. */
  requestId(given: unknown): string {
    return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
  }

  /** The request's context, or the refusal to send: 401 without the key, 429 + Retry-After when admission sheds it. */
  enter(arrival: Arrival): RequestContext | BerthError {
    const id = this.requestId(arrival.requestId);
    let auth: RequestContext['auth'] = 'open';
    if (!arrival.open && this.#expectedKey) {
      const header = arrival.authorization;
      const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : '';
      // Digests are compared, so the comparison takes the same time whatever the token's length.
      if (!timingSafeEqual(digest(token), this.#expectedKey)) return errors.unauthorized();
      auth = 'api-key';
    }
    const { ticket, refusal } = this.admission.enter(arrival.bytes, arrival.open);
    if (refusal) return refusal;
    const trace = arrival.trace && this.tracing?.request(arrival.trace);
    trace?.set({ 'berth.request_id': id });
    return { id, auth, ticket, trace };
  }

  /**
   * The body has arrived: its deadline starts (the caller's, if sooner), and the request takes a
   * slot. True when it took one now (not before, and its caller has not gone away meanwhile).
   */
  handle(context: RequestContext, callerDeadline?: number): boolean {
    const ceiling = Date.now() + this.settings.server.requestTimeoutMs;
    context.deadline = callerDeadline === undefined ? ceiling : Math.min(callerDeadline, ceiling);
    return context.ticket !== undefined && this.admission.handle(context.ticket);
  }

  /** The reply is done, or the caller went away. */
  leave(context: RequestContext): void {
    if (context.ticket) this.admission.leave(context.ticket);
  }

  close(): void {
    this.admission.close();
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
