import { createServer } from 'node:http';
import '../src/runtime/ort-telemetry.js';
import ort from 'onnxruntime-node';

/**
 * The start-up floor: node:http and onnxruntime-node with the model's session made, and nothing
 * else (no routes, validation, metrics, logs or monitoring). /ready answers 503 until the session
 * is made, then 200. Its cold start and idle RSS are the least any Node server of this model can
 * reach; Berth's minus these is what Berth itself costs.
 */
const [path = 'examples/iris/model.onnx', port = '8090'] = process.argv.slice(2);
let session: ort.InferenceSession | undefined;
createServer((request, response) => {
  request.resume();
  response.writeHead(session ? 200 : 503, { 'content-length': 0 }).end();
}).listen(Number(port), '127.0.0.1');
session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
process.on('SIGTERM', () => process.exit(0));
