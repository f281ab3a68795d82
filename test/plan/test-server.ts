import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small node:http server standing in for a Berth service in load-test tests: OIP metadata for
 * one model `iris` with four FP32 features, `GET /v1/models`, and `POST /predict` answering
 * `status` (200 by default). Records the bodies it receives.
 */
export interface TestServer {
  url: string;
  bodies: string[];
  close(): Promise<void>;
}

export async function startTestServer(options: { status?: number } = {}): Promise<TestServer> {
  const bodies: string[] = [];
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/v1/models') return reply(res, 200, { models: ['iris'] });
      if (req.method === 'GET' && req.url === '/v2/models/iris') {
        return reply(res, 200, {
          name: 'iris',
          versions: ['1'],
          platform: 'onnx_onnxv1',
          inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }],
          outputs: [],
        });
      }
      if (req.method === 'POST' && (req.url === '/predict' || req.url === '/v2/models/iris/infer')) {
        if (bodies.length < 5) bodies.push(body);
        return reply(
          res,
          options.status ?? 200,
          options.status && options.status >= 300 ? { error: 'no' } : { prediction: 0 },
        );
      }
      reply(res, 404, { error: 'no route' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
