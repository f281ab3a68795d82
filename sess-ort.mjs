import ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
const [,, src, mode] = process.argv;
const opts = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' };
if (mode === 'save') {
  await ort.InferenceSession.create(src, { ...opts, graphOptimizationLevel: 'basic', optimizedModelFilePath: '/tmp/forest.ort' });
  console.log('saved');
} else {
  const t1 = performance.now();
  const s = await ort.InferenceSession.create(mode === 'bytes' ? readFileSync(src) : src, { ...opts, graphOptimizationLevel: mode==='noopt'?'disabled':'all' });
  const t2 = performance.now();
  console.log(src, mode, 'create', (t2-t1).toFixed(1), 'end', t2.toFixed(1), s.inputNames, s.outputNames);
}
