import type { InferenceOrigin } from '../core/inference.js';
import type { RequestTrace } from '../core/inference-trace.js';
import type { Ticket } from './admission.js';

/**
 * One request as every transport hands it to the data plane (request-gate.ts makes it, for HTTP
 * and gRPC alike): who asked, its claim on the server's capacity, and when its answer is no longer
 * wanted.
 */
export interface RequestContext {
  /** The caller's X-Request-Id (HTTP) or x-request-id (gRPC) when it is a safe token, else a new UUID; sent back with the reply. */
  readonly id: string;
  /** `api-key`: the caller showed the server's key; `open`: no key is needed here (probes, scrapes, a server without a key). */
  readonly auth: 'api-key' | 'open';
  /** Taken at arrival, given back when the reply is done (admission.ts); none for in-process calls. */
  readonly ticket?: Ticket;
  /** Epoch milliseconds past which the answer is no longer wanted: set when the body has arrived, from server.requestTimeoutMs and the caller's own deadline. */
  deadline?: number;
  /** Who asked, when not a client: feedback by inputs. */
  readonly origin?: InferenceOrigin;
  /** The request's server span, when tracing is on and the transport traces this route (observe/tracing/). */
  readonly trace?: RequestTrace;
}

/** A context for an inference the process makes itself, without a transport (berth import, feedback by inputs). */
export function internalContext(id: string, origin?: InferenceOrigin): RequestContext {
  return { id, auth: 'open', origin };
}
