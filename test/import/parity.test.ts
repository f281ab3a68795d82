import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareOutputs } from '../../src/import/parity.js';

const tolerance = { abs: 1e-5, rel: 1e-4, agreement: 1 };
const names = ['a', 'b'];

test('labels and probabilities that agree pass, with their largest difference on record', () => {
  const outputs = compareOutputs(
    {
      labels: [0, 1],
      probabilities: [
        [0.9, 0.1],
        [0.2, 0.8],
      ],
    },
    [
      { prediction: 0, probabilities: { a: 0.9000001, b: 0.1 } },
      { prediction: 1, probabilities: { a: 0.2, b: 0.8 } },
    ],
    [0, 1],
    names,
    tolerance,
    5,
  );
  assert.deepEqual(
    outputs.map((output) => [output.output, output.passed]),
    [
      ['labels', true],
      ['probabilities', true],
    ],
  );
  assert.equal(outputs[0]!.agreement, 1);
  assert.ok(Math.abs(outputs[1]!.maxAbsError! - 1e-7) < 1e-9);
  assert.deepEqual(
    outputs[1]!.worst.map((entry) => entry.row),
    [0],
  );
});

test('a different label fails unless the original rates both classes equally (a tie)', () => {
  const served = [
    { prediction: 1, probabilities: { a: 0.5, b: 0.5 } },
    { prediction: 1, probabilities: { a: 0.3, b: 0.7 } },
  ];
  const [tie] = compareOutputs(
    {
      labels: [0, 1],
      probabilities: [
        [0.5, 0.5],
        [0.3, 0.7],
      ],
    },
    served,
    [0, 1],
    names,
    tolerance,
    5,
  );
  assert.deepEqual([tie!.passed, tie!.ties, tie!.disagreements], [true, 1, 0]);
  const [wrong] = compareOutputs(
    {
      labels: [0, 1],
      probabilities: [
        [0.6, 0.4],
        [0.3, 0.7],
      ],
    },
    served,
    [0, 1],
    names,
    tolerance,
    5,
  );
  assert.deepEqual([wrong!.passed, wrong!.disagreements, wrong!.agreement], [false, 1, 0.5]);
  assert.deepEqual(wrong!.worst, [{ row: 0, original: 0, served: 1 }]);
  const [loose] = compareOutputs(
    {
      labels: [0, 1],
      probabilities: [
        [0.6, 0.4],
        [0.3, 0.7],
      ],
    },
    served,
    [0, 1],
    names,
    { ...tolerance, agreement: 0.5 },
    5,
  );
  assert.equal(loose!.passed, true);
});

test('string class labels compare as the model gives them', () => {
  const [labels] = compareOutputs(
    { labels: ['setosa', 'virginica'] },
    [{ prediction: 'setosa' }, { prediction: 'virginica' }],
    ['setosa', 'virginica'],
    ['setosa', 'virginica'],
    tolerance,
    5,
  );
  assert.equal(labels!.passed, true);
});

test('values beyond abs + rel·|original| fail, and the worst rows named are the ones beyond it', () => {
  const [values] = compareOutputs(
    { values: [100, 200, 300, 0] },
    [{ prediction: 100.005 }, { prediction: 200.5 }, { prediction: 290 }, { prediction: 1e-6 }],
    [],
    [],
    tolerance,
    5,
  );
  assert.equal(values!.passed, false);
  assert.equal(values!.beyondTolerance, 2);
  assert.deepEqual(
    values!.worst.map((entry) => entry.row),
    [2, 1],
  );
  assert.equal(values!.maxAbsError, 10);
  assert.ok(Math.abs(values!.maxRelError! - 10 / 300) < 1e-12);
});

test('a missing or NaN answer where the original has a number is the largest error, and stays JSON', () => {
  const [values] = compareOutputs(
    { values: [1, Number.NaN] },
    [{ prediction: Number.NaN }, { prediction: Number.NaN }],
    [],
    [],
    tolerance,
    5,
  );
  assert.equal(values!.passed, false);
  assert.equal(values!.beyondTolerance, 1);
  assert.equal(values!.maxAbsError, Number.MAX_VALUE);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(values)));
  const [probabilities] = compareOutputs(
    { probabilities: [[0.5, 0.5]] },
    [{ prediction: 0 }],
    [0, 1],
    names,
    tolerance,
    5,
  );
  assert.equal(probabilities!.passed, false);
});

test('multi-output regression compares element by element', () => {
  const [values] = compareOutputs(
    {
      values: [
        [1, 2],
        [3, 4],
      ],
    },
    [{ prediction: [1, 2] }, { prediction: [3, 4.5] }],
    [],
    [],
    tolerance,
    5,
  );
  assert.deepEqual([values!.passed, values!.beyondTolerance, values!.worst[0]!.row], [false, 1, 1]);
});
