import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOnnxRuntime } from '../../src/runtime/onnx.js';

// OIP v2's `outputs` is optional; `"outputs": []` (what Swagger UI and schemathesis send for an
// empty array) reached onnxruntime as an empty fetch list, which it refuses: a 500.
test('an empty list of requested outputs answers with every output, as no list does', async () => {
  const runtime = createOnnxRuntime(
    { path: 'examples/iris/model.onnx', name: 'iris', version: '1' },
    { intraOpThreads: 1 },
  );
  await runtime.load();
  try {
    const inputs = [
      { name: 'float_input', datatype: 'FP32' as const, shape: [1, 4], data: Float32Array.from([6.7, 3.0, 5.2, 2.3]) },
    ];
    const all = await runtime.infer({ inputs });
    const empty = await runtime.infer({ inputs, outputs: [] });
    assert.deepEqual(
      empty.outputs.map((output) => output.name),
      ['output_label', 'output_probability'],
    );
    assert.deepEqual(empty, all);
    const one = await runtime.infer({ inputs, outputs: ['output_label'] });
    assert.deepEqual(
      one.outputs.map((output) => output.name),
      ['output_label'],
    );
  } finally {
    await runtime.unload();
  }
});
