import { readFileSync } from 'node:fs';
import '../src/runtime/ort-telemetry.js';
import ort from 'onnxruntime-node';
import { defaults } from '../src/core/defaults.js';
import { sessionOptions } from '../src/runtime/onnx.js';
import { inspectOnnx } from '../src/runtime/onnx-graph.js';

/**
 * In-process onnxruntime rows/s for a model in batches of N rows, with Berth's session options:
 * the ceiling for large requests (no HTTP, no JSON). The graph gets the same ZipMap rewrite Berth
 * applies, so both compute and return the same outputs. Prints one JSON line.
 */
const [path = 'examples/iris/model.onnx', batchText = '1000', secondsText = '3'] = process.argv.slice(2);
const batch = Number(batchText);
const session = await ort.InferenceSession.create(
  inspectOnnx(readFileSync(path), path).bytes,
  sessionOptions(defaults.onnx),
);
const input = session.inputMetadata[0]!;
const width = Number((input as ort.InferenceSession.TensorValueMetadata).shape[1]);
const data = new Float32Array(batch * width).map((_, index) => 1 + ((index * 7919) % 50) / 10);
const fetches = session.outputMetadata.map((output) => output.name);
const feeds = { [input.name]: new ort.Tensor('float32', data, [batch, width]) };
for (let i = 0; i < 20; i++) await session.run(feeds, fetches);
let rows = 0;
const started = performance.now();
while (performance.now() - started < Number(secondsText) * 1000) {
  await session.run(feeds, fetches);
  rows += batch;
}
process.stdout.write(`${JSON.stringify({ rowsPerSecond: rows / ((performance.now() - started) / 1000) })}\n`);
