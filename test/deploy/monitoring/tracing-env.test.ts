import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../src/core/config.js';
import { berthVariables } from '../../../src/core/env.js';
import { defaultSettings, generate, objectOf, type Loose } from '../support/fixtures.js';

const envOf = (set: ReturnType<typeof generate>): Loose[] =>
  (objectOf(set, 'Deployment') as Loose).spec.template.spec.containers[0].env;
const named = (env: Loose[], name: string) => env.filter((entry) => entry.name === name);

describe('tracing in the manifests', () => {
  it('adds nothing while tracing is off', () => {
    assert.deepEqual(
      envOf(generate({ monitoring: true })).filter((entry) => /^(OTEL_|K8S_|BERTH_TRACING)/.test(entry.name)),
      [],
    );
  });

  it("--otlp-collector: tracing on, the collector, the Deployment as service, the pod in each span's resource", () => {
    const env = envOf(generate({ monitoring: true, otlpCollector: 'http://otel-collector.observability:4318' }));
    assert.equal(named(env, 'BERTH_TRACING')[0]?.value, 'true');
    assert.equal(named(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')[0]?.value, 'http://otel-collector.observability:4318');
    assert.equal(named(env, 'OTEL_SERVICE_NAME')[0]?.value, 'iris');
    assert.equal(named(env, 'K8S_POD_NAME')[0]?.valueFrom.fieldRef.fieldPath, 'metadata.name');
    const attributes = named(env, 'OTEL_RESOURCE_ATTRIBUTES')[0]?.value as string;
    assert.match(attributes, /k8s\.pod\.name=\$\(K8S_POD_NAME\)/);
    const names = env.map((entry) => entry.name);
    assert.ok(
      names.indexOf('K8S_POD_NAME') < names.indexOf('OTEL_RESOURCE_ATTRIBUTES'),
      'a $(VAR) reference expands only from variables defined before it',
    );
    // The pod's server reads the variables as berth serve would.
    const values = Object.fromEntries(
      env.filter((entry) => entry.value !== undefined).map((entry) => [entry.name, entry.value as string]),
    );
    assert.equal(
      resolveConfig({ env: berthVariables(values) }).settings.tracing.endpoint,
      'http://otel-collector.observability:4318/v1/traces',
    );
  });

  it("berth.yaml's tracing settings reach the pod once, with its endpoint and service name", () => {
    const settings = defaultSettings({
      tracing: { enabled: true, endpoint: 'http://tempo:4318/v1/traces', serviceName: 'fraud' },
    });
    const env = envOf(generate({}, { settings }));
    assert.equal(named(env, 'BERTH_TRACING').length, 1);
    assert.equal(named(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')[0]?.value, 'http://tempo:4318/v1/traces');
    assert.equal(named(env, 'OTEL_SERVICE_NAME')[0]?.value, 'fraud');
    assert.equal(named(env, 'OTEL_SERVICE_NAME').length, 1);
  });

  it('refuses a collector that is not an http(s) URL', () => {
    assert.throws(
      () => generate({ otlpCollector: 'otel-collector:4318' }),
      /otlp-collector.*must be an http:\/\/ or https:\/\/ URL/,
    );
  });
});
