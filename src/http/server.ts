import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { BerthError, errors } from '../core/errors.js';
import type { TraceAttributes } from '../core/inference-trace.js';
import { httpAccessLog, type Logger } from '../observe/logger.js';
import { observeLatency } from '../observe/metrics.js';
import type { TraceArrival } from '../observe/tracing/tracing.js';
import type { RequestContext } from '../serving/request-context.js';
import { clientErrorReply } from './client-error.js';
import { dashboardOpenPaths, dashboardRoutes } from './dashboard/routes.js';
import { compressReply, inflateRequestBody } from './compression.js';
import { errorReply } from './error-reply.js';
import { wrongMethods, type WrongMethod } from './method-not-allowed.js';
import { noSchemaCompilers } from './no-schema-compilers.js';
import { acceptOipBodies, takesOipBody } from './oip-body.js';
import { docsRoutes } from './routes-docs.js';
import { healthRoutes } from './routes-health.js';
import { seedRoutes } from './routes-seed.js';
import { v1Routes } from './routes-v1.js';
import { v2Routes } from './routes-v2.js';
import { baselineHeaders } from './security-headers.js';
import type { HttpContext, Route } from './route.js';

/** Routes that never need the API key: Kubernetes probes, Prometheus scrapes, the dashboard's static page. */
const openRoutes = new Set([
  '/healthz',
  '/ready',
  '/v2/health/live',
  '/v2/health/ready',
  '/metrics',
  ...dashboardOpenPaths,
]);

/** A response with the context of its request, until its 'close' handler has run. */
const closingContext = Symbol('requestContext');
type Closing = ServerResponse & { [closingContext]?: RequestContext };

/** The model label of a request naming no served model: label values stay the served models and this one. */
export const unknownModelLabel = '_unknown';

/**
 * Builds the fastify app: hooks that take each request through the request gate (id, API key,
 * admission, shared with gRPC) and count it; route tables that only hand requests to the data plane.
 */
export async function createHttpApp(context: HttpContext, extraRoutes: Route[] = []): Promise<FastifyInstance> {
  const { settings, metrics, logger, dataplane, gate } = context;
  const pathMatching = { ignoreTrailingSlash: true, maxParamLength: 200 };
  // Set once the route table is known (below); until then no request can arrive.
  let wrongMethod: (method: string, url: string) => WrongMethod | undefined = () => undefined;
  const app = Fastify({
    logger: false,
    bodyLimit: settings.limits.maxBodyBytes,
    keepAliveTimeout: settings.server.keepAliveTimeoutMs,
    requestTimeout: settings.server.requestReceiveTimeoutMs,
    // Node enforces requestTimeout only while headersTimeout (default 60 s) is not longer, and
    // checks both every 30 s by default: a 30 s receive timeout let slow uploads stay 60–87 s.
    // Headers get the same deadline, and the check runs often enough to hold to the setting.
    http: {
      headersTimeout: settings.server.requestReceiveTimeoutMs,
      connectionsCheckingInterval: Math.min(
        settings.server.receiveTimeoutCheckMs,
        settings.server.requestReceiveTimeoutMs,
      ),
    },
    clientErrorHandler: clientErrorReply(settings.server.requestReceiveTimeoutMs),
    // New requests during shutdown are still served (with Connection: close); only new
    // connections are refused once the listener closes.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: pathMatching,
    requestIdHeader: false,
    genReqId: (request) => gate.requestId(request.headers['x-request-id']),
    schemaController: { compilersFactory: noSchemaCompilers },
  });
  app.decorateRequest('context', undefined as never);
  app.decorateRequest('routeUrl', '');
  const access = httpAccessLog(logger);

  // Hooks take `done` rather than being async: each async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(baselineHeaders).header('x-request-id', request.id);
    // fastify builds routeOptions afresh on each read: read once, the URL kept for onResponse.
    const { url } = request.routeOptions;
    request.routeUrl = url ?? 'unmatched';
    // Before any body handling: a wrong method on a route's path is answered whatever it carries.
    const wrong = url === undefined ? wrongMethod(request.method, request.url) : undefined;
    if (wrong) {
      request.routeUrl = wrong.url;
      request.params = wrong.params;
      reply.header('allow', wrong.allowed.join(', '));
      return done(errors.methodNotAllowed(request.method, request.url.split('?')[0]!, wrong.allowed));
    }
    // Admission control: under a flood, a 429 that skips JSON parsing, validation and the model
    // is the cheapest answer, so the process keeps answering everything. Probes are never shed.
    const open = openRoutes.has(url ?? '');
    const trace = gate.tracing && !open ? traceArrival(request, url) : undefined;
    const entered = gate.enter({
      requestId: request.id,
      authorization: request.headers.authorization,
      bytes: gate.admission.declaredBytes(request.headers),
      open,
      trace,
    });
    if (entered instanceof BerthError) return done(entered);
    request.context = entered;
    // 'close' fires exactly once, when the response is done or the client went away first:
    // onResponse alone misses aborted requests, and a leaked ticket would shed everything after.
    // One handler for every response, finding its context on it: no closure, once-wrapper and
    // listener removal per request.
    (reply.raw as Closing)[closingContext] = entered;
    reply.raw.on('close', left);
    done();
  });

  function left(this: Closing) {
    const entered = this[closingContext];
    if (!entered) return;
    this[closingContext] = undefined;
    if (entered.ticket?.handling) metrics.inFlight.dec();
    gate.leave(entered);
    entered.trace?.end({ httpStatus: this.statusCode });
  }

  // A body is read and parsed in a slice of the event loop's time (loop-slices.ts), so that one
  // turn does not parse every readable socket's request while new connections wait to be accepted;
  // then inflated if it came compressed. One hook: fastify runs each through its own runner.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const turn = request.context?.ticket ? gate.admission.slices.wait(request.context.ticket.bytes) : undefined;
    if (turn) void turn.then(() => inflateRequestBody(request, payload, done));
    else inflateRequestBody(request, payload, done);
  });

  // The body has arrived (or there is none): from here the request takes a slot and its deadline runs.
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.context && gate.handle(request.context)) metrics.inFlight.inc();
    done();
  });

  // One onSend hook for every reply's last touches (fastify runs each hook through its own runner):
  const compress = compressReply(settings.server.compressMinBytes);
  app.addHook('onSend', (request, reply, payload, done) => {
    // Decided when the reply is written, not when the request arrived: every reply sent while
    // draining tells its client to reconnect elsewhere, even one accepted before the drain began.
    if (dataplane.draining) reply.header('connection', 'close');
    // JSON is application/json with no charset parameter (RFC 8259 §11 defines none); fastify adds one.
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8')
      reply.header('content-type', 'application/json');
    compress(request, reply, payload, done);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const ms = reply.elapsedTime;
    // Empty when onRequest did not run (fastify answers a malformed URL before its hooks).
    const route = request.routeUrl || (request.routeOptions.url ?? 'unmatched');
    const status = reply.statusCode;
    const model = modelLabel(request, route, status);
    metrics.requestCounts.update(`${route}\n${model}\n${status}`, () => ({ route, model, status: String(status) }));
    const trace = request.context?.trace;
    observeLatency(metrics.httpDuration, { route, model }, ms / 1000, trace?.inference?.traceId);
    if (settings.log.requests && route !== '/metrics')
      access({
        requestId: request.id,
        traceId: trace?.traceId,
        method: request.method,
        route,
        model,
        status,
        ms: Math.round(ms * 10) / 10,
      });
    done();
  });

  /** Served models by name; any other name, and any refused caller's, is one fixed label value. */
  function modelLabel(request: FastifyRequest, route: string, status: number): string {
    const named = (request.params as { name?: string } | undefined)?.name;
    if (named === undefined) return route.endsWith('predict') && status !== 401 ? (dataplane.defaultModel() ?? '') : '';
    return status !== 401 && dataplane.models.has(named) ? named : unknownModelLabel;
  }

  app.setErrorHandler((error, request, reply) =>
    sendError(reply, error, request, settings.limits.maxBodyBytes, logger),
  );
  app.setNotFoundHandler((request, reply) => {
    sendError(
      reply,
      errors.notFound(request.method, request.url.split('?')[0]!),
      request,
      settings.limits.maxBodyBytes,
      logger,
    );
  });

  const routes: Route[] = [
    ...healthRoutes(context),
    ...v2Routes(context),
    ...seedRoutes(context),
    ...v1Routes(context),
    ...dashboardRoutes(context),
    ...extraRoutes,
  ];
  routes.push(...docsRoutes(dataplane, () => routes, context.typicalRow));
  const register = (scope: FastifyInstance, route: Route) =>
    scope.route({ method: route.method, url: route.url, handler: route.handler });
  for (const route of routes) if (!takesOipBody(route)) register(app, route);
  await app.register(async (scope) => {
    acceptOipBodies(scope);
    for (const route of routes) if (takesOipBody(route)) register(scope, route);
  });
  wrongMethod = wrongMethods(routes, app.supportedMethods, pathMatching);
  return app;
}

/** The server span of an HTTP request, named and described as OpenTelemetry's HTTP semantic conventions say. */
function traceArrival(request: FastifyRequest, route: string | undefined): TraceArrival {
  const attributes: TraceAttributes = {
    'http.request.method': request.method,
    'url.path': request.url.split('?')[0]!,
    'url.scheme': 'http',
  };
  if (route !== undefined) attributes['http.route'] = route;
  return {
    name: route === undefined ? request.method : `${request.method} ${route}`,
    traceparent: request.headers.traceparent,
    tracestate: request.headers.tracestate,
    attributes,
  };
}

function sendError(
  reply: FastifyReply,
  error: unknown,
  request: FastifyRequest,
  bodyLimit: number,
  logger: Logger,
): void {
  const { status, headers, body } = errorReply(
    error,
    { id: request.id, contentType: request.headers['content-type'] ?? '' },
    bodyLimit,
    logger,
  );
  reply.code(status).headers(headers).type('application/json').send(body);
}
