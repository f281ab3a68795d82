import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { defaults } from '../../src/core/defaults.js';
import { sessionOptions } from '../../src/runtime/onnx.js';
import { ortThread } from '../../src/runtime/ort-thread.js';

describe('the onnxruntime thread handle', () => {
  it('is not stopped by the release of the last session while another session is being made', async () => {
    const options = sessionOptions(defaults.onnx);
    const thread = ortThread();
    const iris = await thread.load(await readFile('examples/iris/model.onnx'), options);
    const forestBytes = await readFile('test/fixtures/models/bench-forest/model.onnx');
    // The load is posted before the release's answer comes back: stopping the thread on that answer
    // would stop it under onnxruntime's session creation, which aborts the process.
    const releasing = thread.release(iris.session);
    const loading = thread.load(forestBytes, options);
    await releasing;
    const forest = await loading;
    const { tensors } = await thread.run(
      forest.session,
      [{ name: 'float_input', type: 'float32', data: new Float32Array(100), dims: [2, 50] }],
      ['label'],
    );
    await thread.release(forest.session);
    assert.deepEqual(tensors[0]!.dims, [2]);
  });

  it('stops once the last session is released, and a later load starts a new one', async () => {
    const options = sessionOptions(defaults.onnx);
    const first = ortThread();
    const { session } = await first.load(await readFile('examples/iris/model.onnx'), options);
    await first.release(session);
    const second = ortThread();
    assert.notEqual(second, first);
    const again = await second.load(await readFile('examples/iris/model.onnx'), options);
    await second.release(again.session);
  });
});
