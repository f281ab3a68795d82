import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../src/core/config.js';
import { berthVariables } from '../../../src/core/env.js';

/** Tracing's settings: berth.yaml, flags, BERTH_TRACING and the OpenTelemetry SDK's standard variables. */
describe('tracing settings', () => {
  it('are off by default, with the OTLP default endpoint and every trace sampled', () => {
    const { tracing } = resolveConfig({}).settings;
    assert.equal(tracing.enabled, false);
    assert.equal(tracing.endpoint, 'http://localhost:4318/v1/traces');
    assert.equal(tracing.sampleRatio, 1);
  });

  it('take the OTEL_* variables: a base endpoint gets /v1/traces, a traces endpoint is taken as it is', () => {
    const env = berthVariables({
      BERTH_TRACING: 'true',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_TRACES_SAMPLER_ARG: '0.01',
      OTEL_SERVICE_NAME: 'fraud',
      HOME: '/root',
    });
    assert.equal(env.HOME, undefined, "only Berth's and OpenTelemetry's variables");
    const { tracing } = resolveConfig({ env }).settings;
    assert.deepEqual(
      [tracing.enabled, tracing.endpoint, tracing.sampleRatio, tracing.serviceName],
      [true, 'http://collector:4318/v1/traces', 0.01, 'fraud'],
    );
    const own = berthVariables({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/traces',
    });
    assert.equal(resolveConfig({ env: own }).settings.tracing.endpoint, 'http://b:9999/traces');
  });

  it('let a flag win over the environment, and the environment over berth.yaml', () => {
    const file = { tracing: { enabled: true, sampleRatio: 0.5 } };
    assert.equal(resolveConfig({ file }).settings.tracing.sampleRatio, 0.5);
    assert.equal(resolveConfig({ file, env: { OTEL_TRACES_SAMPLER_ARG: '0.2' } }).settings.tracing.sampleRatio, 0.2);
    assert.equal(
      resolveConfig({ file, env: { OTEL_TRACES_SAMPLER_ARG: '0.2' }, flags: { 'tracing.sampleRatio': '0.1' } }).settings
        .tracing.sampleRatio,
      0.1,
    );
  });

  it('refuse a ratio outside 0–1 and an endpoint that is not an http(s) URL', () => {
    assert.throws(
      () => resolveConfig({ env: { OTEL_TRACES_SAMPLER_ARG: '2' } }),
      /OTEL_TRACES_SAMPLER_ARG: must be between 0 and 1/,
    );
    assert.throws(
      () => resolveConfig({ env: { OTEL_TRACES_SAMPLER_ARG: 'half' } }),
      /OTEL_TRACES_SAMPLER_ARG: expected a non-negative number/,
    );
    assert.throws(
      () => resolveConfig({ file: { tracing: { endpoint: 'collector:4318' } } }),
      /tracing.endpoint in berth.yaml: must be an http:\/\/ or https:\/\/ URL/,
    );
    assert.throws(() => resolveConfig({ file: { tracing: { sampleRate: 1 } } }), /did you mean tracing.sampleRatio/);
  });
});
