import { PassThrough, type Readable } from 'node:stream';
import { createGunzip, createInflate, deflate, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';

/**
 * gzip and deflate both ways (RFC 9110 §8.4 Content-Encoding, §12.5.3 Accept-Encoding), as
 * tritonclient's request_compression_algorithm / response_compression_algorithm use them
 * ("deflate" is zlib format, RFC 9110 §8.4.1.2). Written on node:zlib rather than taken from
 * @fastify/compress, whose dependencies (readable-stream, minipass, mime-db) added 0.3 MB to the
 * serve bundle and ~4 MB to idle RSS (five interleaved spawns each), past the 100 MB target.
 *
 * This half: request bodies sent with Content-Encoding gzip or deflate; any other coding is 415.
 * A step of the server's one preParsing hook, with a hook's arguments.
 */
export function inflateRequestBody(
  request: FastifyRequest,
  payload: Readable,
  done: (error: Error | null, payload?: Readable) => void,
): void {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return done(null, payload);
  if (encoding !== 'gzip' && encoding !== 'deflate') return done(errors.badContentEncoding(encoding));
  // Inflated while it arrives, so fastify's body limit counts what the body expands to: a small
  // compressed body cannot grow past the limit in memory.
  const inflated = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  // fastify compares this, not the inflated length, with Content-Length.
  inflated.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => (inflated.receivedEncodedLength += chunk.length));
  const inflater = encoding === 'gzip' ? createGunzip() : createInflate();
  inflater.on('error', () => inflated.destroy(errors.badCompressedBody(encoding)));
  payload.on('error', (error) => {
    inflater.destroy();
    inflated.destroy(error);
  });
  payload.pipe(inflater).pipe(inflated);
  done(null, inflated);
}

/**
 * The reply's compression, as a step of the server's one onSend hook: replies of at least
 * `minReplyBytes` in a compressible type, in the encoding the client prefers.
 */
export function compressReply(
  minReplyBytes: number,
): (
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: null, payload: unknown) => void,
) => void {
  return (request, reply, payload, done) => {
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    // The size first: most replies (one prediction) are small, and this is every reply's path.
    if (Buffer.byteLength(payload) < minReplyBytes) return done(null, payload);
    if (reply.hasHeader('content-encoding') || !compressible(reply.getHeader('content-type')))
      return done(null, payload);
    reply.header('vary', reply.hasHeader('vary') ? `${reply.getHeader('vary')}, accept-encoding` : 'accept-encoding');
    const encoding = preferredEncoding(request.headers['accept-encoding']);
    if (encoding === undefined) return done(null, payload);
    // Off the event loop (libuv's pool): a large answer does not stall every other request.
    (encoding === 'gzip' ? gzip : deflate)(payload, (error, compressed) => {
      if (error) return done(null, payload);
      reply.header('content-encoding', encoding);
      done(null, compressed);
    });
  };
}

/** JSON, text (not event streams, which must flush as they go), scripts, SVG and binary tensors. */
function compressible(contentType: unknown): boolean {
  return (
    typeof contentType === 'string' &&
    /^(application\/(json|octet-stream|javascript)|text\/(?!event-stream)|image\/svg\+xml)/.test(contentType)
  );
}

/** gzip or deflate, whichever Accept-Encoding weighs more (gzip on a tie and for `*`); undefined: neither. */
export function preferredEncoding(accept: string | undefined): 'gzip' | 'deflate' | undefined {
  if (!accept) return undefined;
  const weight = { gzip: 0, deflate: 0 };
  let wildcard: number | undefined;
  for (const part of accept.toLowerCase().split(',')) {
    const [coding = '', ...parameters] = part.split(';').map((piece) => piece.trim());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2)) || 0;
    if (coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate')
      weight[coding === 'deflate' ? 'deflate' : 'gzip'] = value;
    else if (coding === '*') wildcard = value;
  }
  if (wildcard !== undefined && !/\bgzip\b/.test(accept.toLowerCase())) weight.gzip = wildcard;
  if (weight.gzip <= 0 && weight.deflate <= 0) return undefined;
  return weight.gzip >= weight.deflate ? 'gzip' : 'deflate';
}
