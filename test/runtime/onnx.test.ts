import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaults } from '../../src/core/defaults.js';
import { createOnnxRuntime } from '../../src/runtime/onnx.js';

describe('onnxruntime session options', () => {
  it('intra-op threads wait without spinning, so they leave the other core to HTTP', async () => {
    const runtime = createOnnxRuntime({ path: 'examples/iris/model.onnx', name: 'iris', version: '1' }, { ...defaults.onnx, intraOpThreads: 2 });
    await runtime.load();
    const row = { inputs: [{ name: 'float_input', datatype: 'FP32' as const, shape: [1, 4], data: Float32Array.from([5.1, 3.5, 1.4, 0.2]) }] };
    for (let i = 0; i < 50; i++) await runtime.infer(row);
    // onnxruntime's default (allow_spinning=1) keeps its pool thread busy between calls: on two
    // cores this loop then used 2.0 cores for every core of wall time; without spinning, 1.25.
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    while (performance.now() - started < 500) await runtime.infer(row);
    const cpu = process.cpuUsage(cpuBefore);
    const coresUsed = (cpu.user + cpu.system) / 1000 / (performance.now() - started);
    await runtime.unload();
    assert.ok(coresUsed < 1.6, `the process used ${coresUsed.toFixed(2)} cores while one thread called the model`);
  });
});
