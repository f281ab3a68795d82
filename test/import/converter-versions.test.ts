import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pipInstallLine } from '../../src/import/converter-versions.js';

test('the pip line pins the converter release made for the installed scikit-learn', () => {
  assert.equal(
    pipInstallLine('/venv/bin/python', 'skl2onnx', { 'scikit-learn': '1.6.1' }),
    '/venv/bin/python -m pip install skl2onnx==1.18.0 onnx==1.17.0',
  );
  assert.equal(
    pipInstallLine('python3', 'skl2onnx', { 'scikit-learn': '1.9.1' }),
    'python3 -m pip install skl2onnx==1.20.0 onnx==1.23.2',
  );
  assert.equal(
    pipInstallLine('python3', 'skl2onnx', { 'scikit-learn': '1.2.2' }),
    'python3 -m pip install skl2onnx==1.15.0 onnx==1.14.1',
  );
  assert.equal(
    pipInstallLine('python3', 'onnxmltools', { 'scikit-learn': '1.6.1', skl2onnx: '1.18.0' }),
    'python3 -m pip install onnxmltools==1.13.0 onnx==1.17.0',
  );
  assert.equal(
    pipInstallLine('python3', 'onnxmltools', { 'scikit-learn': '1.7.2' }),
    'python3 -m pip install onnxmltools==1.14.0 onnx==1.18.0 skl2onnx==1.19.1',
  );
  assert.equal(pipInstallLine('python3', 'onnxmltools', {}), 'python3 -m pip install onnxmltools==1.16.0 onnx==1.23.2');
});

test('a framework the pickle needs is named by its distribution', () => {
  assert.equal(pipInstallLine('python3', 'sklearn', {}), 'python3 -m pip install scikit-learn');
  assert.equal(pipInstallLine('python3', 'xgboost', {}), 'python3 -m pip install xgboost');
});
