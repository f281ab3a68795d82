import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModelConfig, Settings } from '../core/config.js';
import type { ModelMetadata } from '../core/inference.js';
import type { Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import type { JsonSchema } from '../protocol/body-schemas.js';
import type { DataPlane } from '../serving/data-plane.js';
import type { RequestContext } from '../serving/request-context.js';
import type { RequestGate } from '../serving/request-gate.js';
import type { TypicalRow } from './openapi-examples.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request as the data plane sees it (id, auth, admission ticket, deadline), made by the request gate at arrival. */
    context: RequestContext;
    /** The route's URL pattern ('unmatched' for none), read once in onRequest: fastify builds routeOptions afresh on each read. */
    routeUrl: string;
  }
}

/** What the routes are built from. */
export interface HttpContext {
  dataplane: DataPlane;
  /** Request ids, the API key and admission, shared with the gRPC server. */
  gate: RequestGate;
  settings: Settings;
  metrics: Metrics;
  logger: Logger;
  /** Renders /metrics; workers replace it with the cluster-wide aggregate. */
  renderMetrics?: () => Promise<{ contentType: string; body: string }>;
  /** A typical input row of a model (from its reference profile), for the documentation's examples. */
  typicalRow?: (name: string) => TypicalRow | undefined;
}

/**
 * One HTTP route as data: the server registers it, the OpenAPI generator documents it from the
 * same entry, so a route cannot exist undocumented.
 */
export interface Route {
  method: 'GET' | 'POST';
  /** fastify path syntax (`:name`; `::` for a literal colon). */
  url: string;
  summary: string;
  tag: 'health' | 'oip-v2' | 'predict' | 'kserve-v1' | 'observability' | 'repository' | 'monitoring' | 'docs';
  /** Request body schema; given the model when the path names one. */
  body?: (model?: { metadata: ModelMetadata; config: ModelConfig }) => JsonSchema;
  /** Success body schema. */
  response?: JsonSchema;
  /** Status codes besides 200 worth documenting. */
  errors?: number[];
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}
