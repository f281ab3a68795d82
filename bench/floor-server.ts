import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import pino from 'pino';
import { Counter, Histogram } from 'prom-client';

/**
 * The floor: bare node:http doing only what any production inference service does per request,
 * and no inference: read and parse the JSON body, give the request an id, answer JSON built from
 * the body, update a request counter and a latency histogram (prom-client), and write one access
 * log line (pino, asynchronous). Berth's /predict against this point shows what Berth's own
 * request path costs beyond these unavoidable parts; the ceiling shows what they cost together.
 */
const port = Number(process.argv[2] ?? 8091);
const log = pino(pino.destination({ sync: false }));
const requests = new Counter({ name: 'floor_requests_total', help: 'requests', labelNames: ['route', 'status'] });
const duration = new Histogram({ name: 'floor_request_duration_seconds', help: 'latency', labelNames: ['route'] });

createServer((request, response) => {
  if (request.method === 'GET') return void response.end('ready'); // the bench's readiness poll
  const started = performance.now();
  const requestId = randomUUID();
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    let status = 200;
    let reply: string;
    try {
      const row = JSON.parse(body) as Record<string, number>;
      reply = JSON.stringify({
        prediction: 0,
        label: 'setosa',
        probabilities: { setosa: row.sepal_length! > 0 ? 1 : 0, versicolor: 0, virginica: 0 },
        model_name: 'iris',
        model_version: '1',
      });
    } catch {
      status = 400;
      reply = '{"error":"bad JSON"}';
    }
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(reply),
      'x-request-id': requestId,
    });
    response.end(reply);
    const ms = performance.now() - started;
    requests.inc({ route: request.url ?? '', status: String(status) });
    duration.observe({ route: request.url ?? '' }, ms / 1000);
    log.info(
      { requestId, method: request.method, route: request.url, status, ms: Math.round(ms * 10) / 10 },
      'request',
    );
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
process.on('SIGTERM', () => process.exit(0));
