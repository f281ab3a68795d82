import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultImage } from '../../src/core/image-name.js';

const sha256 = '3f2a1bc03f2a'.repeat(5) + '3f2a';

test('image names are <name>:<version>-<12 hex of sha256>, lower-cased and cleaned, never latest', () => {
  assert.equal(defaultImage({ name: 'iris', version: '3', sha256 }), 'localhost/iris:3-3f2a1bc03f2a');
  assert.equal(
    defaultImage({ name: 'Iris_Model v2', version: '1.0+local', sha256 }),
    'localhost/iris_model-v2:1.0-local-3f2a1bc03f2a',
  );
  assert.equal(
    defaultImage({ name: '--', version: 'latest', sha256 }),
    'localhost/model:latest-3f2a1bc03f2a',
    'a name with no usable letter still gives a valid repository',
  );
});
