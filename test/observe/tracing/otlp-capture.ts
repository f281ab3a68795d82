import { createServer } from 'node:http';
import { once } from 'node:events';

/** A span as the OTLP/HTTP JSON exporter sends it. */
export interface SentSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  attributes: Record<string, unknown>;
  links: Array<{ traceId: string; spanId: string }>;
  status: { code?: number; message?: string };
}

/**
 * An OTLP/HTTP endpoint on a loopback port that keeps what it is sent: for tests of what Berth
 * exports without a trace backend (jaeger.test.ts runs a real one).
 */
export async function otlpCapture() {
  const spans: SentSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const sent = JSON.parse(body) as {
        resourceSpans: Array<{
          scopeSpans: Array<{
            spans: Array<
              Omit<SentSpan, 'attributes'> & { attributes?: Array<{ key: string; value: Record<string, unknown> }> }
            >;
          }>;
        }>;
      };
      for (const resource of sent.resourceSpans)
        for (const scope of resource.scopeSpans)
          for (const span of scope.spans) {
            spans.push({
              ...span,
              links: span.links ?? [],
              attributes: Object.fromEntries(
                (span.attributes ?? []).map(({ key, value }) => [key, Object.values(value)[0]]),
              ),
            });
          }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/traces`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
