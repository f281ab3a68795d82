import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModelConfig } from '../core/config.js';
import type { ModelMetadata } from '../runtime/runtime.js';
import type { JsonSchema } from './schemas.js';

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
