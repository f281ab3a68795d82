import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optOutOfOnnxruntimeTelemetry } from '../../src/core/env.js';

test("onnxruntime's telemetry is off unless the operator set ORT_DISABLE_TELEMETRY", () => {
  const unset: NodeJS.ProcessEnv = {};
  optOutOfOnnxruntimeTelemetry(unset);
  assert.equal(unset.ORT_DISABLE_TELEMETRY, '1');
  for (const value of ['0', '1']) {
    const chosen: NodeJS.ProcessEnv = { ORT_DISABLE_TELEMETRY: value };
    optOutOfOnnxruntimeTelemetry(chosen);
    assert.equal(chosen.ORT_DISABLE_TELEMETRY, value, `an operator's ${value} stands`);
  }
});
