import type { HttpContext, Route } from './route.js';

/**
 * Probes and metrics. Liveness never touches a model; readiness is 503 while loading and while
 * draining (Kubernetes readinessProbe semantics; OIP v2 "server ready"). Probes key on the
 * status code, as Triton's and MLServer's do.
 */
export function healthRoutes({ dataplane, metrics, renderMetrics }: HttpContext): Route[] {
  return [
    {
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness: the process is up (never touches a model)',
      tag: 'health',
      handler: async () => ({ status: 'ok' }),
    },
    {
      method: 'GET',
      url: '/ready',
      summary: 'Readiness: 200 when every model is loaded; 503 while loading or draining',
      tag: 'health',
      errors: [503],
      handler: async (_, reply) => {
        const status = dataplane.readiness();
        return reply.code(status === 'ready' ? 200 : 503).send({ status });
      },
    },
    {
      method: 'GET',
      url: '/v2/health/live',
      summary: 'OIP v2 server live',
      tag: 'oip-v2',
      handler: async () => ({ live: dataplane.live() }),
    },
    {
      method: 'GET',
      url: '/v2/health/ready',
      summary: 'OIP v2 server ready',
      tag: 'oip-v2',
      errors: [503],
      handler: async (_, reply) => {
        const ready = dataplane.ready();
        return reply.code(ready ? 200 : 503).send({ ready });
      },
    },
    {
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics (text exposition format)',
      tag: 'observability',
      handler: async (_, reply) => {
        const { contentType, body } = renderMetrics
          ? await renderMetrics()
          : { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
        return reply.type(contentType).send(body);
      },
    },
  ];
}
