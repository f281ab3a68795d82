import type { IncomingMessage, ServerResponse } from 'node:http';
import { BerthError } from '../core/errors.js';
import type { RequestContext } from '../serving/request-context.js';
import { baselineHeaders } from './security-headers.js';

/** What the fast path shares with the fastify app, so both answer by the same rules. */
export interface PredictFastPathSteps {
  bodyLimit: number;
  /** Whether a request must take the general route: tracing on, draining. */
  general(): boolean;
  /** The caller's id when it is a safe token, else a new one (fastify's genReqId). */
  requestId(given: unknown): string;
  /** The API key and admission; the ticket is given back when the response closes (the onRequest hook's part). */
  admit(request: IncomingMessage, response: ServerResponse, id: string): RequestContext | BerthError;
  /** The body has arrived: the request takes its slot and its deadline runs (the preHandler hook's part). */
  handle(context: RequestContext): void;
  /** fastify's own JSON parser (proto-poisoning rules and error codes included). */
  parseJson(text: string, done: (error: Error | null, body?: unknown) => void): void;
  /** The /predict route's handler. */
  predict(body: unknown, context: RequestContext): Promise<unknown>;
  /** The reply's status, extra headers and body for anything thrown (the error handler's part). */
  errorReply(error: unknown, id: string): { status: number; headers: Record<string, string>; body: unknown };
  /** Compression of a large reply and the headers it then needs (the onSend hook's part). */
  compress(
    payload: string,
    acceptEncoding: string | undefined,
    done: (body: string | Buffer, headers?: Record<string, string>) => void,
  ): void;
  /** Metrics and the access-log line of an answered request (the onResponse hook's part). */
  answered(status: number, ms: number, id: string, trace: RequestContext['trace']): void;
}

/**
 * `POST /predict` with a JSON body of a declared length, answered on node:http itself: fastify's
 * routing, hook runners and reply pipeline cost about as much per request as the rest of a one-row
 * prediction's own work (bench/results/p99-*.md). The steps are the fastify hooks' own, taken
 * from the same functions in the same order, and the error replies come from the same catalogue;
 * any other request — another method, path, content type or coding, no Content-Length, one over
 * the body limit, tracing on, draining — returns false and goes to fastify.
 */
export function predictFastPath(
  steps: PredictFastPathSteps,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    const { headers } = request;
    if (request.method !== 'POST' || request.url !== '/predict' || headers['content-type'] !== 'application/json')
      return false;
    const length = Number(headers['content-length']);
    if (headers['content-encoding'] !== undefined || !(length <= steps.bodyLimit) || steps.general()) return false;
    const started = performance.now();
    const id = steps.requestId(headers['x-request-id']);
    let context: RequestContext | undefined;
    const send = (status: number, extra: Record<string, string> | undefined, payload: string | Buffer) => {
      response.writeHead(status, {
        ...baselineHeaders,
        'x-request-id': id,
        ...extra,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      });
      response.end(payload);
      steps.answered(status, performance.now() - started, id, context?.trace);
    };
    const fail = (error: unknown, extra?: Record<string, string>) => {
      const { status, headers: errorHeaders, body } = steps.errorReply(error, id);
      send(status, { ...extra, ...errorHeaders }, JSON.stringify(body));
    };
    const entered = steps.admit(request, response, id);
    if (entered instanceof BerthError) {
      fail(entered);
      return true;
    }
    context = entered;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A client gone mid-body: the response's 'close' (admit) gives the ticket back.
    request.on('error', () => undefined);
    request.on('end', () => {
      steps.handle(entered);
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      steps.parseJson(text, (parseError, body) => {
        // As fastify does: the client may still be sending what did not parse.
        if (parseError) return fail(parseError, { connection: 'close' });
        steps.predict(body, entered).then(
          (answer) =>
            steps.compress(JSON.stringify(answer), headers['accept-encoding'], (payload, extra) =>
              send(200, extra, payload),
            ),
          (error: unknown) => fail(error),
        );
      });
    });
    return true;
  };
}
