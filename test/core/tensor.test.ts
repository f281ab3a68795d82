import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonValuesText, toJsonValues, type Tensor } from '../../src/core/tensor.js';

const cases: Array<Pick<Tensor, 'datatype' | 'data'>> = [
  {
    datatype: 'FP32',
    data: new Float32Array([
      0.1,
      -0,
      1e-8,
      3.4e38,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0.949999988079071,
    ]),
  },
  { datatype: 'FP64', data: new Float64Array([Math.PI, -1e300, 5e-324, Number.NaN]) },
  {
    datatype: 'INT64',
    data: new BigInt64Array([0n, -1n, 9007199254740991n, 9007199254740993n, -9223372036854775808n]),
  },
  { datatype: 'UINT64', data: new BigUint64Array([0n, 18446744073709551615n]) },
  { datatype: 'INT32', data: new Int32Array([-2147483648, 0, 2147483647]) },
  { datatype: 'UINT8', data: new Uint8Array([0, 255]) },
  { datatype: 'BOOL', data: new Uint8Array([1, 0, 1]) },
  { datatype: 'BYTES', data: ['plain', 'quote " and \\ backslash', 'new\nline', '\u2028', ''] },
  { datatype: 'FP32', data: new Float32Array(0) },
];

test('tensor values as JSON text are exactly JSON.stringify(toJsonValues(tensor))', () => {
  for (const tensor of cases) {
    const text = jsonValuesText(tensor);
    assert.equal(text, JSON.stringify(toJsonValues(tensor)), `${tensor.datatype} ${String(tensor.data)}`);
    JSON.parse(text); // valid JSON whatever the values (NaN and ±Infinity become strings)
  }
});

test('non-finite floats and 64-bit integers beyond 2^53 are JSON strings, the rest numbers', () => {
  assert.deepEqual(
    JSON.parse(
      jsonValuesText({ datatype: 'FP32', data: new Float32Array([1.5, Number.NaN, Number.NEGATIVE_INFINITY]) }),
    ),
    [1.5, 'NaN', '-Infinity'],
  );
  assert.deepEqual(
    JSON.parse(jsonValuesText({ datatype: 'INT64', data: new BigInt64Array([7n, 9007199254740993n]) })),
    [7, '9007199254740993'],
  );
});
