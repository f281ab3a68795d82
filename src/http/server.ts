import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { errors, withRetryAfter } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import type { DataPlane } from '../protocol/dataplane.js';
import { accessLogger, type Logger } from '../observe/logger.js';
import type { Metrics } from '../observe/metrics.js';
import { dashboardOpenPaths, dashboardRoutes } from './dashboard/routes.js';
import { compressBothWays } from './compression.js';
import { errorReply } from './error-reply.js';
import { acceptOipBodies, takesOipBody } from './oip-body.js';
import { docsRoutes } from './routes-docs.js';
import { healthRoutes } from './routes-health.js';
import { seedRoutes } from './routes-seed.js';
import { v1Routes } from './routes-v1.js';
import { v2Routes } from './routes-v2.js';
import type { Route } from './route.js';

export interface HttpContext {
  dataplane: DataPlane;
  settings: Settings;
  metrics: Metrics;
  logger: Logger;
  /** Renders /metrics; workers replace it with the cluster-wide aggregate. */
  renderMetrics?: () => Promise<{ contentType: string; body: string }>;
}

/** Routes that never need the API key: Kubernetes probes, Prometheus scrapes, the dashboard's static page. */
const openRoutes = new Set(['/healthz', '/ready', '/v2/health/live', '/v2/health/ready', '/metrics', ...dashboardOpenPaths]);

const requestIdPattern = /^[\w.:@/+=-]{1,128}$/;

/** Builds the fastify app: hooks for request ids, auth, metrics and logs; route tables that only delegate. */
export async function createHttpApp(context: HttpContext, extraRoutes: Route[] = []): Promise<FastifyInstance> {
  const { settings, metrics, logger, dataplane } = context;
  const app = Fastify({
    logger: false,
    bodyLimit: settings.limits.maxBodyBytes,
    keepAliveTimeout: settings.server.keepAliveTimeoutMs,
    requestTimeout: settings.server.requestReceiveTimeoutMs,
    // New requests during shutdown are still served (with Connection: close); only new
    // connections are refused once the listener closes.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
  });

  const expectedKey = settings.server.apiKey ? digest(settings.server.apiKey) : undefined;
  const access = accessLogger(logger);
  let inFlight = 0;

  // Hooks take `done` rather than being async: each async hook costs a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    metrics.inFlight.inc();
    inFlight++;
    // 'close' fires exactly once, when the response is done or the client went away first:
    // onResponse alone misses aborted requests, and a leaked count would shed everything after.
    reply.raw.once('close', () => {
      inFlight--;
      metrics.inFlight.dec();
    });
    reply.header('x-request-id', request.id);
    if (dataplane.draining) reply.header('connection', 'close');
    done(refusal(request));
  });

  /** Why a request is refused before its body is read, if it is. */
  function refusal(request: FastifyRequest): Error | undefined {
    const open = openRoutes.has(request.routeOptions.url ?? '');
    // Admission control: under a flood, a 503 that skips JSON parsing, validation and the model
    // is the cheapest answer, so the process keeps answering everything.
    if (inFlight > settings.server.maxInFlight && !open) {
      metrics.shed.inc({ model: '', reason: 'in_flight' });
      return withRetryAfter(errors.serverOverloaded(settings.server.maxInFlight), 1);
    }
    if (expectedKey && !open) {
      const header = request.headers.authorization ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      // Compare digests so the comparison is constant-time whatever the token's length.
      if (!timingSafeEqual(digest(token), expectedKey)) return errors.unauthorized();
    }
    return undefined;
  }

  app.addHook('onResponse', (request, reply, done) => {
    const ms = reply.elapsedTime;
    const route = request.routeOptions.url ?? 'unmatched';
    const model = (request.params as { name?: string } | undefined)?.name ?? (route.endsWith('predict') ? defaultModelName(dataplane) ?? '' : '');
    metrics.httpRequests.inc({ route, model, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ route, model }, ms / 1000);
    if (settings.log.requests && route !== '/metrics') {
      access.info({ requestId: request.id, method: request.method, route, model: model || undefined, status: reply.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    }
    done();
  });

  app.setErrorHandler((error, request, reply) => sendError(reply, error, request, settings.limits.maxBodyBytes, logger));
  app.setNotFoundHandler((request, reply) => {
    sendError(reply, errors.notFound(request.method, request.url.split('?')[0]!.slice(0, 200)), request, settings.limits.maxBodyBytes, logger);
  });

  // JSON is application/json with no charset parameter (RFC 8259 §11 defines none); fastify adds one.
  app.addHook('onSend', (_, reply, payload, done) => {
    if (reply.getHeader('content-type') === 'application/json; charset=utf-8') reply.header('content-type', 'application/json');
    done(null, payload);
  });
  compressBothWays(app, settings.server.compressMinBytes);

  const routes: Route[] = [...healthRoutes(context), ...v2Routes(context), ...seedRoutes(context), ...v1Routes(context), ...dashboardRoutes(context), ...extraRoutes];
  routes.push(...docsRoutes(dataplane, () => routes));
  const register = (scope: FastifyInstance, route: Route) => scope.route({ method: route.method, url: route.url, handler: route.handler });
  for (const route of routes) if (!takesOipBody(route)) register(app, route);
  await app.register(async (scope) => {
    acceptOipBodies(scope);
    for (const route of routes) if (takesOipBody(route)) register(scope, route);
  });
  return app;
}

function sendError(reply: FastifyReply, error: unknown, request: FastifyRequest, bodyLimit: number, logger: Logger): void {
  const { status, headers, body } = errorReply(error, { id: request.id, contentType: request.headers['content-type'] ?? '' }, bodyLimit, logger);
  reply.code(status).headers(headers).type('application/json').send(body);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The model /predict answers for: the only one served. */
export function defaultModelName(dataplane: DataPlane): string | undefined {
  const names = dataplane.models.names();
  return names.length === 1 ? names[0] : undefined;
}
