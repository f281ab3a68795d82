import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeRuntime, fakeRuntimes, irisSignature } from '../../src/runtime/fake.js';

const row = (values: number[]) => ({
  inputs: [
    { name: 'float_input', datatype: 'FP32' as const, shape: [values.length / 4, 4], data: Float32Array.from(values) },
  ],
});

describe('fake runtime', () => {
  it('answers a classifier row from the sum of its values: class ⌊s⌋ mod 3, probability 0.75', async () => {
    const runtime = createFakeRuntime({ name: 'iris', version: '1', ...irisSignature });
    await runtime.load();
    const { outputs } = await runtime.infer(row([5.1, 3.5, 1.4, 0.2, 1, 1, 0, 0]));
    assert.deepEqual(
      outputs.map((output) => output.name),
      ['output_label', 'output_probability'],
    );
    assert.deepEqual([...(outputs[0]!.data as BigInt64Array)], [1n, 2n]);
    assert.deepEqual(outputs[1]!.shape, [2, 3]);
    assert.deepEqual([...(outputs[1]!.data as Float32Array)], [0.125, 0.75, 0.125, 0.125, 0.125, 0.75]);
    assert.deepEqual(runtime.calls, [2]);
  });

  it('answers only the outputs asked for, and shifts answers by its offset', async () => {
    const runtime = createFakeRuntime({ name: 'iris', version: '2', offset: 1, ...irisSignature });
    await runtime.load();
    const { outputs } = await runtime.infer({ ...row([5.1, 3.5, 1.4, 0.2]), outputs: ['output_label'] });
    assert.equal(outputs.length, 1);
    assert.deepEqual([...(outputs[0]!.data as BigInt64Array)], [2n]);
  });

  it('fills other outputs with the row sum in their datatype', async () => {
    const runtime = createFakeRuntime({
      name: 'm',
      version: '1',
      inputs: [
        { name: 'a', datatype: 'INT32', shape: [-1, 2] },
        { name: 'b', datatype: 'BYTES', shape: [-1] },
      ],
      outputs: [
        { name: 'f', datatype: 'FP64', shape: [-1, 2] },
        { name: 'i', datatype: 'INT64', shape: [-1] },
        { name: 's', datatype: 'BYTES', shape: [-1] },
        { name: 'ok', datatype: 'BOOL', shape: [-1] },
      ],
    });
    await runtime.load();
    const { outputs } = await runtime.infer({
      inputs: [
        { name: 'a', datatype: 'INT32', shape: [1, 2], data: Int32Array.from([2, 3]) },
        { name: 'b', datatype: 'BYTES', shape: [1], data: ['xyz'] },
      ],
    });
    assert.deepEqual(
      outputs.map((output) => [output.shape, Array.from(output.data as ArrayLike<unknown>)]),
      [
        [
          [1, 2],
          [8, 8],
        ],
        [[1], [8n]],
        [[1], ['8']],
        [[1], [1]],
      ],
    );
  });

  it('is not ready before load or after unload', async () => {
    const runtime = createFakeRuntime({ name: 'iris', version: '1', ...irisSignature });
    assert.throws(() => runtime.metadata(), /not ready/);
    await runtime.load();
    assert.equal(runtime.metadata().platform, 'fake');
    await runtime.unload();
    await assert.rejects(runtime.infer(row([1, 2, 3, 4])), /not ready/);
  });

  it('holds each call until the test lets it go', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const runtime = createFakeRuntime({ name: 'iris', version: '1', ...irisSignature, hold: () => held });
    await runtime.load();
    let answered = false;
    const call = runtime.infer(row([1, 2, 3, 4])).then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answered, false);
    release();
    await call;
    assert.equal(answered, true);
  });

  it('makes one per version through the runtime factory', async () => {
    const factory = fakeRuntimes((_, version) => ({ ...irisSignature, offset: Number(version) }));
    const runtime = factory({ path: 'unused', name: 'iris', version: '3' });
    await runtime.load();
    assert.deepEqual([runtime.metadata().name, runtime.metadata().version], ['iris', '3']);
    const { outputs } = await runtime.infer({ ...row([5.1, 3.5, 1.4, 0.2]), outputs: ['output_label'] });
    assert.deepEqual([...(outputs[0]!.data as BigInt64Array)], [1n], '10.2 + 3 → class 13 mod 3');
  });
});
