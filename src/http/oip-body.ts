import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';
import { headerLengthHeader, splitBinaryBody } from '../protocol/binary-body.js';
import type { Route } from './route.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tensor bytes after the JSON header of an OIP v2 binary body (protocol/binary-body.ts). */
    tensorBytes: Buffer | undefined;
  }
}

/** The OIP v2 and repository-extension POST routes: the ones real OIP clients call with a body. */
export function takesOipBody(route: Route): boolean {
  return route.method === 'POST' && (route.tag === 'oip-v2' || route.tag === 'repository');
}

/**
 * Body parsing for the OIP v2 POST routes, registered in their own fastify scope so that the other
 * dialects keep answering 415 for anything but JSON. Real OIP clients send the JSON with no
 * Content-Type (tritonclient's HTTP client), as `application/octet-stream` (its asyncio client,
 * and every body carrying binary tensors) or as `application/json`; in each case the body may be
 * JSON followed by tensor bytes, split at `Inference-Header-Content-Length`. The JSON is parsed
 * by fastify's own parser, so the proto-poisoning rules are the server's.
 */
export function acceptOipBodies(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.decorateRequest('tensorBytes', undefined);
  const parse = (request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: unknown) => void) => {
    let json: Buffer;
    try {
      ({ json, binary: request.tensorBytes } = splitBinaryBody(body, request.headers[headerLengthHeader]));
    } catch (error) {
      return done(error as Error);
    }
    // An empty body is no JSON; the repository routes take none (tritonclient's index call).
    if (json.length === 0) return done(null, undefined);
    void parseJson(request, json.toString('utf8'), (error, parsed) => {
      // fastify's own wording blames the content type; the usual cause here is a missing or short header length.
      if ((error as { code?: string } | null)?.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
        return done(errors.invalidJson(jsonHint(request.headers[headerLengthHeader])));
      done(error, parsed);
    });
  };
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  scope.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, parse);
  // '*' is also the parser fastify picks for a body with no Content-Type at all.
  scope.removeContentTypeParser('text/plain');
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const type = request.headers['content-type'];
    if (type !== undefined) return done(errors.unsupportedOipMediaType(type.split(';')[0]!.trim().slice(0, 100)));
    parse(request, body as Buffer, done);
  });
}

function jsonHint(headerLength: string | string[] | undefined): string {
  if (headerLength === undefined)
    return "binary tensors after the JSON need Inference-Header-Content-Length, the JSON's length in bytes";
  return `the JSON ends where Inference-Header-Content-Length (${String(headerLength).slice(0, 20)}) says`;
}
