import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelFromRoute, sampleBody } from '../../src/plan/sample-body.js';
import { renderBar } from '../../src/plan/progress-bar.js';

const iris = { name: 'iris', inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }] };

test('sample bodies per route', () => {
  assert.deepEqual(sampleBody('/predict', iris), { features: [0, 0, 0, 0] });
  assert.deepEqual(sampleBody('/predict', iris, ['a', 'b', 'c', 'd']), { a: 0, b: 0, c: 0, d: 0 });
  assert.deepEqual(sampleBody('/predict', { ...iris, parameters: { features: 'x,y,z,w' } }), {
    x: 0,
    y: 0,
    z: 0,
    w: 0,
  });
  assert.deepEqual(sampleBody('/v1/models/iris:predict', iris), { instances: [[0, 0, 0, 0]] });
  assert.deepEqual(
    sampleBody('/v2/models/iris/infer', {
      name: 'm',
      inputs: [
        { name: 'ids', datatype: 'INT64', shape: [-1, 3] },
        { name: 'flag', datatype: 'BOOL', shape: [1] },
      ],
    }),
    {
      inputs: [
        { name: 'ids', shape: [1, 3], datatype: 'INT64', data: [0, 0, 0] },
        { name: 'flag', shape: [1], datatype: 'BOOL', data: [false] },
      ],
    },
  );
  assert.throws(
    () =>
      sampleBody('/predict', {
        name: 'm',
        inputs: [
          { name: 'a', datatype: 'FP32', shape: [-1, 2] },
          { name: 'b', datatype: 'FP32', shape: [-1, 2] },
        ],
      }),
    /has 2 inputs and no feature names.*pass --body/,
  );
  assert.throws(() => sampleBody('/other', iris), /no sample request is known for route \/other/);
});

test('model names in routes', () => {
  assert.equal(modelFromRoute('/v2/models/iris/infer'), 'iris');
  assert.equal(modelFromRoute('/v2/models/iris/versions/2/infer'), 'iris');
  assert.equal(modelFromRoute('/models/iris/predict'), 'iris');
  assert.equal(modelFromRoute('/v1/models/iris:predict'), 'iris');
  assert.equal(modelFromRoute('/predict'), undefined);
});

test('progress bar text', () => {
  assert.equal(
    renderBar({ elapsedSeconds: 2.5, durationSeconds: 5, completed: 500, errors: 0 }, 'probe', 10),
    '[#####-----] 2.5/5 s · 200 req/s · probe',
  );
  assert.match(
    renderBar({ elapsedSeconds: 5, durationSeconds: 5, completed: 10, errors: 3 }, 'x', 4),
    /^\[####\] .* · 3 errors · x$/,
  );
});
