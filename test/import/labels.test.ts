import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseLabels } from '../../src/import/labels.js';

const target = (values: string[]) => ({ name: 'species', values });

test('--labels names the classes in order, and must name each one', () => {
  assert.deepEqual(chooseLabels([0, 1], ['no', 'yes'], undefined, null), { labels: ['no', 'yes'], source: 'flag' });
  assert.throws(
    () => chooseLabels([0, 1, 2], ['no', 'yes'], undefined, null),
    /--labels names 2 classes, but the model has 3 \(0, 1, 2\)/,
  );
});

test('string classes are their own names', () => {
  assert.deepEqual(chooseLabels(['churns', 'stays'], undefined, ['stays'], target(['x'])), {
    labels: ['churns', 'stays'],
    source: 'model',
  });
});

test('class numbers take the names the target column pairs them with', () => {
  const choice = chooseLabels(
    [0, 1, 2],
    undefined,
    [0, 0, 1, 2, 2, 1],
    target(['setosa', 'setosa', 'versicolor', 'virginica', 'virginica', 'virginica']),
  );
  assert.deepEqual(choice.labels, ['setosa', 'versicolor', 'virginica']);
  assert.equal(choice.source, 'sample');
  assert.match(choice.detail!, /match on 5 of 6 rows/);
});

test('no names when the pairing is ambiguous, a class is never predicted, or the target holds numbers', () => {
  assert.equal(chooseLabels([0, 1], undefined, [0, 1, 0, 1], target(['a', 'a', 'a', 'a'])).labels, undefined);
  assert.equal(chooseLabels([0, 1, 2], undefined, [0, 1], target(['a', 'b'])).labels, undefined);
  assert.deepEqual(chooseLabels([0, 1], undefined, [0, 1], target(['0', '1'])), { source: 'none' });
  assert.deepEqual(chooseLabels([0, 1], undefined, [0, 1], null), { source: 'none' });
});
