import { createServer } from 'node:http';

/**
 * The ceiling: a bare node:http server answering constant JSON, the fastest a Node process can
 * answer an HTTP request on this machine. It reads the body (as any real server must) and
 * answers a reply of the same size as Berth's iris answer.
 */
const reply = JSON.stringify({
  prediction: 0,
  label: 'setosa',
  probabilities: { setosa: 1, versicolor: 0, virginica: 0 },
  model_name: 'iris',
  model_version: '1',
});
const port = Number(process.argv[2] ?? 8090);
createServer((request, response) => {
  request.on('data', () => undefined);
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
    response.end(reply);
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`ready ${port}\n`));
process.on('SIGTERM', () => process.exit(0));
