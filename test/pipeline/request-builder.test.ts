import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaults } from '../../src/core/defaults.js';
import type { ModelMetadata } from '../../src/core/inference.js';
import type { Tensor } from '../../src/core/tensor.js';
import { RequestBuilder } from '../../src/pipeline/request-builder.js';
import { irisSignature } from '../../src/runtime/fake.js';

/**
 * Every dialect's decoder builds its request through one RequestBuilder, so these checks are the
 * checks of every dialect (the contract suites show each dialect reaching them).
 */
const iris: ModelMetadata = { name: 'iris', version: '1', ...irisSignature } as ModelMetadata;
const twoInputs: ModelMetadata = {
  ...iris,
  inputs: [
    { name: 'a', datatype: 'FP32', shape: [-1, 2] },
    { name: 'b', datatype: 'INT64', shape: [-1] },
  ],
};
const limits = { ...defaults.limits, maxRows: 4, maxValues: 16 };
const rows = (data: number[], width = 4): Tensor => ({
  name: 'float_input',
  datatype: 'FP32',
  shape: [data.length / width, width],
  data: Float32Array.from(data),
});
const code = (expected: string) => (error: { code?: string; status?: number }) => (
  assert.equal(error.code, expected),
  assert.equal(error.status, 400),
  true
);

/** Builds one request with one iris input, as a decoder would. */
function build(
  tensor: Tensor,
  options: { allowMissing?: boolean; trusted?: boolean; datatype?: string; shape?: unknown[] } = {},
) {
  const builder = new RequestBuilder(iris, limits, options);
  const spec = builder.begin(tensor.name, options.datatype ?? tensor.datatype, options.shape ?? tensor.shape);
  builder.reserve(tensor.data.length, tensor.shape[0]);
  builder.add(tensor, spec);
  return builder.finish();
}

describe('request builder', () => {
  it('builds the request a decoder read, with what it asked of the reply', () => {
    const builder = new RequestBuilder(iris, limits);
    const spec = builder.begin('float_input', 'FP32', [1, 4]);
    assert.deepEqual(spec, iris.inputs[0]);
    builder.add(rows([5.1, 3.5, 1.4, 0.2]), spec);
    builder.outputs(['output_label']);
    builder.id = 'r1';
    const request = builder.finish();
    assert.deepEqual(request.inputs[0]!.shape, [1, 4]);
    assert.deepEqual(request.outputs, ['output_label']);
    assert.equal(request.id, 'r1');
  });

  it('refuses, before reading values, an input the model does not take, a repeated one, a wrong or unknown datatype, a bad shape', () => {
    const begin =
      (name: string, datatype: string, shape: unknown[], builder = new RequestBuilder(iris, limits)) =>
      () =>
        builder.begin(name, datatype, shape);
    assert.throws(begin('petals', 'FP32', [1, 4]), code('BERTH_UNKNOWN_INPUT'));
    assert.throws(begin('float_input', 'FP64', [1, 4]), code('BERTH_WRONG_DATATYPE'));
    assert.throws(begin('float_input', 'FLOAT', [1, 4]), code('BERTH_UNKNOWN_DATATYPE'));
    for (const shape of [
      [-1, 4],
      [1.5, 4],
      ['1', 4],
      [Number.MAX_SAFE_INTEGER + 2, 4],
      Array(limits.maxDepth + 1).fill(1),
    ]) {
      assert.throws(begin('float_input', 'FP32', shape), code('BERTH_BAD_SHAPE'), JSON.stringify(shape));
    }
    const builder = new RequestBuilder(iris, limits);
    builder.begin('float_input', 'FP32', [1, 4]);
    assert.throws(begin('float_input', 'FP32', [1, 4], builder), code('BERTH_DUPLICATE_INPUT'));
  });

  it('refuses, before allocating, more rows or values than the limits allow', () => {
    assert.throws(
      () => new RequestBuilder(iris, limits).reserve(20, 5),
      (error: { code: string }) => error.code === 'BERTH_TOO_MANY_ROWS',
    );
    const builder = new RequestBuilder(iris, limits);
    builder.reserve(12);
    assert.throws(
      () => builder.reserve(8),
      (error: { code: string; status: number }) => error.code === 'BERTH_TOO_MANY_VALUES' && error.status === 413,
      'values add up across inputs',
    );
  });

  it('refuses values that do not fill the shape, a shape the model does not take, and inputs that disagree on the batch size', () => {
    assert.throws(() => build({ ...rows([1, 2, 3, 4]), shape: [2, 4] }), code('BERTH_SHAPE_MISMATCH'));
    assert.throws(() => build(rows([1, 2, 3, 4, 5, 6], 3)), code('BERTH_WRONG_SHAPE'));
    const builder = new RequestBuilder(twoInputs, limits);
    builder.add(
      { name: 'a', datatype: 'FP32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
      builder.begin('a', 'FP32', [2, 2]),
    );
    builder.add(
      { name: 'b', datatype: 'INT64', shape: [3], data: BigInt64Array.of(1n, 2n, 3n) },
      builder.begin('b', 'INT64', [3]),
    );
    assert.throws(() => builder.finish(), code('BERTH_BATCH_MISMATCH'));
    const missing = new RequestBuilder(twoInputs, limits);
    missing.add(
      { name: 'a', datatype: 'FP32', shape: [1, 2], data: Float32Array.of(1, 2) },
      missing.begin('a', 'FP32', [1, 2]),
    );
    assert.throws(() => missing.finish(), code('BERTH_MISSING_INPUT'));
  });

  it('refuses Infinity always and NaN unless the model takes missing values; trusts its own rows', () => {
    assert.throws(() => build(rows([1, Infinity, 3, 4])), code('BERTH_NON_FINITE'));
    assert.throws(() => build(rows([1, NaN, 3, 4])), code('BERTH_MISSING_VALUE'));
    assert.ok(Number.isNaN(build(rows([1, NaN, 3, 4]), { allowMissing: true }).inputs[0]!.data[1] as number));
    assert.throws(() => build(rows([1, -Infinity, 3, 4]), { allowMissing: true }), code('BERTH_NON_FINITE'));
    assert.doesNotThrow(() => build(rows([1, Infinity, 3, 4]), { trusted: true }));
  });

  it('refuses outputs the model does not have and an output named twice', () => {
    assert.throws(() => new RequestBuilder(iris, limits).outputs(['label']), code('BERTH_UNKNOWN_OUTPUT'));
    assert.throws(
      () => new RequestBuilder(iris, limits).outputs(['output_label', 'output_label']),
      code('BERTH_DUPLICATE_OUTPUT'),
    );
  });
});
