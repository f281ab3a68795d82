import { createServer } from 'node:http';

/**
 * An OTLP/HTTP endpoint that accepts every export and keeps nothing: what the servers of
 * bench/tracing.ts send their spans to, so that the bench measures Berth's cost of tracing and
 * not a trace backend's. Prints the exports and bytes it received when stopped.
 */
const port = Number(process.argv[2] ?? 4318);
let exports = 0;
let bytes = 0;
createServer((request, response) => {
  request.on('data', (chunk: Buffer) => (bytes += chunk.length));
  request.on('end', () => {
    exports++;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`received ${exports} exports, ${bytes} bytes\n`);
  process.exit(0);
});
