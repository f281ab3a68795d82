import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderManifests } from '../../src/deploy/yaml-writer.js';
import { defaultSettings, generate, irisFacts } from './support/fixtures.js';
import { kserveErrors, kserveSource } from './support/kserve-schema.js';
import { hasOfficialSchema, officialSchemaErrors, unknownFields } from './support/official-schema.js';

/**
 * Every generated object, for several option combinations, against the official schema of its
 * apiVersion (see support/official-schema.ts), after a round trip through the YAML that is
 * written to disk — what `kubectl apply -k` would send.
 */
const combinations: Record<string, () => ReturnType<typeof generate>> = {
  defaults: () => generate(),
  'no HPA, fixed replicas': () => generate({ hpa: false, replicas: '5' }),
  'NetworkPolicy and ServiceMonitor': () => generate({ networkPolicy: true, serviceMonitor: true }),
  'custom resources and namespace': () =>
    generate({
      cpu: '250m',
      memory: '512Mi',
      limitsCpu: '2',
      limitsMemory: '1Gi',
      namespace: 'ml-prod',
      image: 'registry.example.com/ml/iris:3-3f2a1bc0',
    }),
  'tiny memory limit (warns, still valid)': () => generate({ limitsMemory: '64Mi' }),
  'pre-stop by the server, no gRPC, LoadBalancer': () =>
    generate(
      { preStop: 'server', serviceType: 'LoadBalancer' },
      { settings: defaultSettings({ server: { grpcPort: 0 } }) },
    ),
  'unmeasured model, HPA 2–5 at 50 %': () =>
    generate(
      { min: '2', max: '5', targetCpu: '50' },
      { facts: irisFacts({ loadSeconds: undefined, peakRssBytes: undefined, measuredBy: 'none' }) },
    ),
  'from berth.yaml deploy: section': () =>
    generate(
      {},
      {
        file: {
          autoscaling: { minReplicas: 4, maxReplicas: 8 },
          resources: { limits: { memory: '768Mi' } },
          networkPolicy: true,
        },
      },
    ),
};

for (const [label, make] of Object.entries(combinations)) {
  test(`official schemas accept every object: ${label}`, () => {
    const set = make();
    const rendered = renderManifests(set.files);
    for (const entry of set.files) {
      const text = rendered.find((file) => file.file === entry.file)!.text;
      const object = parse(text, { version: '1.1' }) as { apiVersion: string; kind: string };
      assert.deepEqual(object, JSON.parse(JSON.stringify(entry.object)), `${entry.file} survives the YAML round trip`);
      assert.ok(hasOfficialSchema(object), `${object.kind} has a schema in the test`);
      assert.deepEqual(officialSchemaErrors(object), [], `${entry.file} against the official schema`);
      assert.deepEqual(unknownFields(object), [], `${entry.file} has only fields of its type`);
    }
  });
}

test('the schema check is not vacuous: it rejects wrong types, missing fields and unknown fields', () => {
  const deployment = structuredClone(
    generate().files.find((entry) => entry.object.kind === 'Deployment')!.object,
  ) as Record<string, any>;
  deployment.spec.replicas = 'three';
  assert.match(officialSchemaErrors(deployment as never).join(), /replicas must be integer/);
  const noSelector = structuredClone(deployment);
  delete noSelector.spec.selector;
  noSelector.spec.replicas = 1;
  assert.match(officialSchemaErrors(noSelector as never).join(), /selector/);
  deployment.spec.replicas = 1;
  deployment.spec.template.spec.containers[0].livenessprobe = {};
  assert.deepEqual(unknownFields(deployment as never), [
    '.spec.template.spec.containers[0].livenessprobe is not a field of V1Container',
  ]);
});

for (const mode of ['RawDeployment', 'Serverless'] as const) {
  test(`the KServe InferenceService (${mode}) has only fields of ${kserveSource}, and its pod parts pass the official schema`, () => {
    const set = generate({ format: 'kserve', kserveMode: mode });
    assert.deepEqual(
      set.files.map((entry) => entry.file),
      ['inferenceservice.yaml'],
    );
    const object = parse(renderManifests(set.files)[0]!.text, { version: '1.1' }) as Record<string, unknown>;
    assert.deepEqual(kserveErrors(object), []);
  });
}

test('the KServe check is not vacuous', () => {
  const object = structuredClone(generate({ format: 'kserve' }).files[0]!.object) as Record<string, any>;
  object.spec.predictor.protocolVersion = 'v2';
  object.spec.predictor.minReplicas = '3';
  object.spec.predictor.containers[0].ports[0].containerPort = 'http';
  delete object.spec.predictor.containers[0].name;
  const problems = kserveErrors(object).join('\n');
  assert.match(problems, /protocolVersion is not a field of V1beta1PredictorSpec/);
  assert.match(problems, /minReplicas must be an integer/);
  assert.match(problems, /containerPort must be integer/);
  assert.match(problems, /must have required property name/);
  delete object.spec.predictor;
  assert.match(kserveErrors(object).join(), /predictor is required/);
});
