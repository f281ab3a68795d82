import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors } from '../../src/core/errors.js';
import { checkAliasName, checkModelName, parseModelRef } from '../../src/registry/layout.js';
import { parseMetrics, parseParams } from '../../src/registry/metadata.js';

test('model references: name, name@version, name@alias, name@latest', () => {
  assert.deepEqual(parseModelRef('iris'), { name: 'iris', alias: 'latest' });
  assert.deepEqual(parseModelRef('iris@3'), { name: 'iris', version: 3 });
  assert.deepEqual(parseModelRef('iris@production'), { name: 'iris', alias: 'production' });
  assert.deepEqual(parseModelRef('iris@latest'), { name: 'iris', alias: 'latest' });
  for (const bad of ['', '@3', 'iris@', 'iris@03', 'iris@0', 'iris@-1', '../x@1', 'a@b@c', '.hidden']) {
    assert.throws(
      () => parseModelRef(bad),
      (error: Error & { code?: string }) => error.code === errors.badModelRef.code,
      bad,
    );
  }
});

test('names and aliases: file-system safe, aliases never look like versions', () => {
  assert.equal(checkModelName('iris-v2.onnx_x'), 'iris-v2.onnx_x');
  assert.throws(() => checkModelName('../etc'), { code: errors.badModelName.code });
  assert.throws(() => checkModelName('.berth-tmp'), { code: errors.badModelName.code });
  assert.equal(checkAliasName('production'), 'production');
  for (const bad of ['3', '3rd', 'latest', 'with space', 'a/b'])
    assert.throws(() => checkAliasName(bad), { code: errors.badAliasName.code }, bad);
});

test('--metrics are numbers, --params are kept as text', () => {
  assert.deepEqual(parseMetrics(['accuracy=0.97', 'f1=1e-1']), { accuracy: 0.97, f1: 0.1 });
  assert.deepEqual(parseParams(['n_estimators=100', 'criterion=gini', 'expr=a=b']), {
    n_estimators: '100',
    criterion: 'gini',
    expr: 'a=b',
  });
  assert.throws(() => parseMetrics(['accuracy=high']), /--metrics `accuracy=high`: expected KEY=NUMBER/);
  assert.throws(() => parseMetrics(['accuracy=']), { code: errors.badKeyValue.code });
  assert.throws(() => parseParams(['=x']), { code: errors.badKeyValue.code });
});
