import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  extractPredictions,
  extractRows,
  normalizeTruth,
  planFeatures,
  planPrediction,
  type RowLayoutLike,
} from '../../../src/observe/monitoring/extract.js';
import type { ModelMetadata } from '../../../src/core/inference.js';

const tabular = (features: string[], width = features.length): RowLayoutLike => ({
  kind: 'tabular',
  features,
  width,
  inputs: [{ name: 'float_input' }],
});
const columns: RowLayoutLike = {
  kind: 'columns',
  features: ['plan', 'tenure', 'spend'],
  width: 3,
  inputs: [{ name: 'plan' }, { name: 'tenure' }, { name: 'spend' }],
};

const classifier: ModelMetadata = {
  name: 'iris',
  version: '1',
  platform: 'onnx_onnxv1',
  properties: {},
  inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }],
  outputs: [
    { name: 'output_label', datatype: 'INT64', shape: [-1] },
    { name: 'output_probability', datatype: 'FP32', shape: [-1, 3] },
  ],
  classifier: { labelOutput: 'output_label', probabilityOutput: 'output_probability', classes: [0, 1, 2] },
};
const regressor: ModelMetadata = {
  ...classifier,
  classifier: undefined,
  outputs: [{ name: 'variable', datatype: 'FP32', shape: [-1, 1] }],
};

describe('reading rows from request tensors', () => {
  it('observes a tabular input whose columns are the profile features without copying', () => {
    const plan = planFeatures(tabular(['a', 'b', 'c']), ['a', 'b', 'c'])!;
    assert.equal(plan.identity, true);
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const rows = extractRows({ inputs: [{ name: 'float_input', datatype: 'FP32', shape: [2, 3], data }] }, plan)!;
    assert.equal(rows.rows, 2);
    assert.equal(rows.values, data, 'the tensor buffer itself');
  });

  it('picks the profile features out of a wider input, in profile order', () => {
    const plan = planFeatures(tabular(['a', 'b', 'c']), ['c', 'a', 'zzz'])!;
    assert.deepEqual(plan.features, ['c', 'a']);
    assert.deepEqual(plan.unmatched, ['zzz']);
    assert.equal(plan.identity, false);
    const rows = extractRows(
      {
        inputs: [{ name: 'float_input', datatype: 'FP32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }],
      },
      plan,
    )!;
    assert.deepEqual(Array.from(rows.values), [3, 1, 6, 4]);
  });

  it('matches unnamed tabular columns by position when the profile has as many features', () => {
    assert.deepEqual(planFeatures(tabular([], 2), ['x', 'y'])?.columns, [0, 1]);
    assert.equal(planFeatures(tabular([], 3), ['x', 'y']), null, 'nothing to match by');
    assert.equal(planFeatures('its inputs are not rows', ['x']), null);
  });

  it('interleaves one-input-per-feature models into rows, strings included', () => {
    const plan = planFeatures(columns, ['spend', 'plan'])!;
    const rows = extractRows(
      {
        inputs: [
          { name: 'tenure', datatype: 'FP32', shape: [2, 1], data: new Float32Array([12, 30]) },
          { name: 'plan', datatype: 'BYTES', shape: [2, 1], data: ['basic', 'pro'] },
          { name: 'spend', datatype: 'FP32', shape: [2, 1], data: new Float32Array([9.5, 20]) },
        ],
      },
      plan,
    )!;
    assert.equal(rows.rows, 2);
    assert.deepEqual(Array.from(rows.values), [9.5, 'basic', 20, 'pro']);
  });

  it('gives up (null) on a request whose tensors do not fit the plan', () => {
    const plan = planFeatures(tabular(['a', 'b']), ['a', 'b'])!;
    assert.equal(
      extractRows({ inputs: [{ name: 'other', datatype: 'FP32', shape: [1, 2], data: new Float32Array(2) }] }, plan),
      null,
    );
    assert.equal(
      extractRows(
        { inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, 3], data: new Float32Array(3) }] },
        plan,
      ),
      null,
    );
  });
});

describe('reading predictions from responses', () => {
  it("names a classifier's classes with berth.yaml labels", () => {
    const plan = planPrediction(classifier, { labels: ['setosa', 'versicolor', 'virginica'] })!;
    assert.equal(plan.task, 'classification');
    const response = {
      outputs: [
        { name: 'output_label', datatype: 'INT64' as const, shape: [3], data: new BigInt64Array([2n, 0n, 1n]) },
      ],
    };
    assert.deepEqual(extractPredictions(response, plan), ['virginica', 'setosa', 'versicolor']);
  });

  it("keeps the model's own labels when berth.yaml names none", () => {
    const plan = planPrediction(classifier, {})!;
    const response = {
      outputs: [{ name: 'output_label', datatype: 'INT64' as const, shape: [2], data: new BigInt64Array([1n, 1n]) }],
    };
    assert.deepEqual(extractPredictions(response, plan), ['1', '1']);
  });

  it("takes the first value of each row of a regressor's first output", () => {
    const plan = planPrediction(regressor, {})!;
    assert.equal(plan.task, 'regression');
    const response = {
      outputs: [{ name: 'variable', datatype: 'FP32' as const, shape: [2, 1], data: new Float32Array([1.5, 250]) }],
    };
    assert.deepEqual(extractPredictions(response, plan), [1.5, 250]);
    assert.equal(extractPredictions({ outputs: [] }, plan), null, 'the output was not requested');
  });

  it('treats an integer or string first output as classes', () => {
    const labels: ModelMetadata = { ...regressor, outputs: [{ name: 'label', datatype: 'BYTES', shape: [-1] }] };
    assert.equal(planPrediction(labels, {})!.task, 'classification');
  });

  it('accepts true values as class ids or as names', () => {
    const plan = planPrediction(classifier, { labels: ['setosa', 'versicolor', 'virginica'] })!;
    assert.equal(normalizeTruth(2, plan), 'virginica');
    assert.equal(normalizeTruth('0', plan), 'setosa');
    assert.equal(normalizeTruth('virginica', plan), 'virginica');
    assert.equal(normalizeTruth(7, plan), 7, 'unknown ids pass through (and count as wrong)');
  });
});
