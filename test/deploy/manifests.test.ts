import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaults } from '../../src/core/defaults.js';
import { parseQuantity } from '../../src/core/quantity.js';
import { defaultSettings, generate, irisFacts, objectOf, type Loose } from './support/fixtures.js';

const container = (set = generate()): Loose => (objectOf(set, 'Deployment') as Loose).spec.template.spec.containers[0];
const podSpecOf = (set = generate()): Loose => (objectOf(set, 'Deployment') as Loose).spec.template.spec;

test('the default set is Service, Deployment, HPA and PDB, in apply order', () => {
  assert.deepEqual(
    generate().files.map((entry) => entry.file),
    ['service.yaml', 'deployment.yaml', 'hpa.yaml', 'pdb.yaml'],
  );
  assert.deepEqual(
    generate({ networkPolicy: true, serviceMonitor: true, hpa: false }).files.map((entry) => entry.file),
    ['service.yaml', 'deployment.yaml', 'pdb.yaml', 'networkpolicy.yaml', 'servicemonitor.yaml'],
  );
});

test('rolling updates never lower capacity: maxUnavailable 0, maxSurge 1; a full node can replace pods in place', () => {
  const spec = (objectOf(generate(), 'Deployment') as Loose).spec;
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  assert.equal(spec.revisionHistoryLimit, 10, 'revisions are kept for rollback');
  const inPlace = (objectOf(generate({ maxSurge: '0', maxUnavailable: '1' }), 'Deployment') as Loose).spec;
  assert.deepEqual(inPlace.strategy.rollingUpdate, { maxUnavailable: 1, maxSurge: 0 });
  assert.deepEqual(
    (objectOf(generate({}, { file: { rollout: { maxSurge: 2 } } }), 'Deployment') as Loose).spec.strategy.rollingUpdate,
    { maxUnavailable: 0, maxSurge: 2 },
  );
  assert.throws(() => generate({ maxSurge: '0' }), /maxSurge and maxUnavailable are both 0/);
});

test('readiness on /ready, liveness on /healthz, and liveness looser than readiness', () => {
  const { readinessProbe: ready, livenessProbe: live } = container();
  assert.equal(ready.httpGet.path, '/ready');
  assert.equal(live.httpGet.path, '/healthz');
  assert.equal(ready.httpGet.port, 'http');
  assert.ok(live.periodSeconds >= ready.periodSeconds);
  assert.ok(live.timeoutSeconds >= ready.timeoutSeconds);
  assert.ok(
    live.periodSeconds * live.failureThreshold > ready.periodSeconds * ready.failureThreshold,
    'a pod leaves rotation before it is restarted',
  );
});

test('the startupProbe waits for /ready for a budget sized from the measured load time', () => {
  const budget = (loadSeconds: number | undefined) => {
    const probe = container(generate({}, { facts: irisFacts({ loadSeconds }) })).startupProbe;
    assert.equal(probe.httpGet.path, '/ready');
    return probe.periodSeconds * probe.failureThreshold;
  };
  const s = defaults.deploy.startup;
  assert.ok(budget(1) >= 1 * s.loadFactor + s.graceSeconds);
  assert.ok(budget(60) >= 60 * s.loadFactor + s.graceSeconds, 'a slow model gets a long budget');
  assert.ok(budget(60) > budget(1));
  assert.ok(
    budget(undefined) >= defaults.deploy.assumedLoadSeconds * s.loadFactor,
    'unmeasured: the assumed load time',
  );
  const deployment = objectOf(generate({}, { facts: irisFacts({ loadSeconds: 600 }) }), 'Deployment') as Loose;
  assert.ok(deployment.spec.progressDeadlineSeconds > budget(600), 'the progress deadline outlasts the startup budget');
});

test('the memory limit is the measured peak RSS plus a margin, and the request equals it', () => {
  const resources = (peakMiB: number) =>
    container(generate({}, { facts: irisFacts({ peakRssBytes: peakMiB * 2 ** 20 }) })).resources;
  const small = resources(115);
  const big = resources(2000);
  const m = defaults.deploy.memory;
  assert.ok(parseQuantity(small.limits.memory)! >= (115 * m.marginFactor + m.headroomMiB) * 2 ** 20);
  assert.ok(parseQuantity(big.limits.memory)! >= 2000 * m.marginFactor * 2 ** 20);
  assert.equal(small.requests.memory, small.limits.memory);
  assert.deepEqual(
    { cpu: small.requests.cpu, limit: small.limits.cpu },
    { cpu: defaults.deploy.resources.requests.cpu, limit: defaults.deploy.resources.limits.cpu },
  );
  const custom = container(generate({ cpu: '250m', limitsCpu: '2', limitsMemory: '1Gi' })).resources;
  assert.deepEqual(custom, { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '1Gi' } });
});

test('pod and container security contexts follow the restricted Pod Security Standard with the image UID', () => {
  const spec = podSpecOf();
  assert.deepEqual(spec.securityContext, {
    runAsNonRoot: true,
    runAsUser: 10001,
    runAsGroup: 10001,
    fsGroup: 10001,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  assert.deepEqual(container().securityContext, {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  assert.deepEqual(container().volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }]);
  assert.ok(
    spec.volumes.some((volume: Loose) => volume.name === 'tmp' && volume.emptyDir),
    '/tmp is an emptyDir',
  );
  assert.equal(spec.automountServiceAccountToken, false);
});

test('preStop and terminationGracePeriodSeconds cover the endpoint delay and the server drain', () => {
  const settings = defaultSettings();
  const sleep = generate();
  assert.deepEqual(container(sleep).lifecycle, { preStop: { sleep: { seconds: defaults.deploy.preStopSeconds } } });
  const grace = podSpecOf(sleep).terminationGracePeriodSeconds;
  assert.ok(
    grace > defaults.deploy.preStopSeconds + settings.server.drainDelaySeconds + settings.server.drainSeconds,
    `grace ${grace}`,
  );
  const env = (set: ReturnType<typeof generate>) =>
    Object.fromEntries(container(set).env.map((entry: Loose) => [entry.name, entry.value]));
  assert.equal(env(sleep).BERTH_DRAIN_SECONDS, String(settings.server.drainSeconds));
  // Without the sleep action the server itself keeps serving (with /ready 503) for the same time.
  const server = generate({ preStop: 'server', preStopSeconds: '10' });
  assert.equal(container(server).lifecycle, undefined);
  assert.equal(env(server).BERTH_DRAIN_DELAY_SECONDS, '10');
  assert.ok(podSpecOf(server).terminationGracePeriodSeconds > 10 + settings.server.drainSeconds);
  const longDrain = generate({}, { settings: defaultSettings({ server: { drainSeconds: 120 } }) });
  assert.ok(podSpecOf(longDrain).terminationGracePeriodSeconds > 120, 'follows the configured drain');
});

test('replicas spread across nodes and zones, per revision', () => {
  const spread = podSpecOf().topologySpreadConstraints as Loose[];
  assert.deepEqual(
    spread.map((constraint) => constraint.topologyKey),
    ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
  );
  for (const constraint of spread) {
    assert.equal(constraint.maxSkew, 1);
    assert.deepEqual(constraint.labelSelector.matchLabels, {
      'app.kubernetes.io/name': 'iris',
      'app.kubernetes.io/instance': 'iris',
    });
    assert.deepEqual(constraint.matchLabelKeys, ['pod-template-hash']);
  }
});

test('ports http 8000 and grpc 8001, and the server settings in the environment', () => {
  assert.deepEqual(container().ports, [
    { name: 'http', containerPort: 8000, protocol: 'TCP' },
    { name: 'grpc', containerPort: 8001, protocol: 'TCP' },
  ]);
  const env = generate(
    {},
    { settings: defaultSettings({ server: { port: 9000, apiKey: 's3cret' }, batching: { maxBatchSize: 64 } }) },
  );
  const vars = container(env).env as Loose[];
  assert.deepEqual(
    vars.find((entry) => entry.name === 'BERTH_PORT'),
    { name: 'BERTH_PORT', value: '9000' },
  );
  assert.deepEqual(
    vars.find((entry) => entry.name === 'BERTH_MAX_BATCH_SIZE'),
    { name: 'BERTH_MAX_BATCH_SIZE', value: '64' },
  );
  assert.deepEqual(
    vars.find((entry) => entry.name === 'BERTH_API_KEY'),
    { name: 'BERTH_API_KEY', valueFrom: { secretKeyRef: { name: 'iris-api-key', key: 'api-key' } } },
  );
  assert.ok(!JSON.stringify(env.files).includes('s3cret'), 'the secret is never written');
  assert.match(env.warnings.join('\n'), /Secret iris-api-key/);
  assert.equal((objectOf(env, 'Deployment') as Loose).spec.template.metadata.annotations['prometheus.io/port'], '9000');
});

test('labels: app.kubernetes.io/* and berth.dev/model*, with a selector of stable labels only', () => {
  const set = generate({}, { facts: irisFacts({ name: 'Iris_Classifier', version: '12' }) });
  const deployment = objectOf(set, 'Deployment') as Loose;
  assert.equal(deployment.metadata.name, 'iris-classifier');
  assert.deepEqual(deployment.spec.selector.matchLabels, {
    'app.kubernetes.io/name': 'iris-classifier',
    'app.kubernetes.io/instance': 'iris-classifier',
  });
  const labels = deployment.spec.template.metadata.labels;
  assert.equal(labels['berth.dev/model'], 'Iris_Classifier');
  assert.equal(labels['berth.dev/model-version'], '12');
  assert.equal(labels['app.kubernetes.io/version'], '12');
  assert.equal(labels['app.kubernetes.io/managed-by'], 'berth');
  for (const entry of set.files)
    assert.equal(entry.object.metadata.labels?.['berth.dev/model'], 'Iris_Classifier', entry.file);
  assert.equal(
    deployment.spec.template.metadata.annotations['berth.dev/model-sha256'],
    irisFacts().sha256,
    'a new model file changes the template',
  );
  assert.deepEqual(
    Object.entries(deployment.spec.template.metadata.annotations).filter(([key]) => key.startsWith('prometheus.io/')),
    [
      ['prometheus.io/scrape', 'true'],
      ['prometheus.io/port', '8000'],
      ['prometheus.io/path', '/metrics'],
    ],
  );
});

test('the image defaults to localhost/<name>:<model version>-<short sha> (the name a local build keeps), never latest', () => {
  assert.equal(container().image, 'localhost/iris:3-3f2a1bc03f2a');
  assert.equal(container().imagePullPolicy, 'IfNotPresent');
  assert.equal(
    container(generate({ image: 'registry.example.com/ml/iris:3-abc' })).image,
    'registry.example.com/ml/iris:3-abc',
  );
});

test('with an HPA the Deployment leaves spec.replicas to it; without, it is fixed', () => {
  const withHpa = generate();
  assert.equal((objectOf(withHpa, 'Deployment') as Loose).spec.replicas, undefined);
  const hpa = objectOf(withHpa, 'HorizontalPodAutoscaler') as Loose;
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'iris' });
  assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 20]);
  assert.deepEqual(hpa.spec.metrics, [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
  ]);
  assert.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 300);
  const custom = objectOf(generate({ min: '2', max: '6', targetCpu: '55' }), 'HorizontalPodAutoscaler') as Loose;
  assert.deepEqual(
    [custom.spec.minReplicas, custom.spec.maxReplicas, custom.spec.metrics[0].resource.target.averageUtilization],
    [2, 6, 55],
  );
  const fixed = generate({ hpa: false, replicas: '4' });
  assert.equal((objectOf(fixed, 'Deployment') as Loose).spec.replicas, 4);
  assert.ok(!fixed.files.some((entry) => entry.object.kind === 'HorizontalPodAutoscaler'));
});

test('Service, PodDisruptionBudget, NetworkPolicy and ServiceMonitor', () => {
  const set = generate({ networkPolicy: true, serviceMonitor: true });
  const service = objectOf(set, 'Service') as Loose;
  assert.deepEqual(
    service.spec.ports.map((port: Loose) => [port.name, port.port, port.targetPort]),
    [
      ['http', 80, 'http'],
      ['grpc', 8001, 'grpc'],
    ],
  );
  assert.deepEqual(service.spec.selector, { 'app.kubernetes.io/name': 'iris', 'app.kubernetes.io/instance': 'iris' });
  const pdb = objectOf(set, 'PodDisruptionBudget') as Loose;
  assert.equal(pdb.spec.maxUnavailable, 1);
  assert.equal(pdb.spec.unhealthyPodEvictionPolicy, 'AlwaysAllow');
  const policy = objectOf(set, 'NetworkPolicy') as Loose;
  assert.deepEqual(policy.spec.policyTypes, ['Ingress']);
  assert.deepEqual(
    policy.spec.ingress[0].ports.map((port: Loose) => port.port),
    ['http', 'grpc'],
  );
  const monitor = objectOf(set, 'ServiceMonitor') as Loose;
  assert.deepEqual(monitor.spec.endpoints[0], { port: 'http', path: '/metrics', interval: '30s', scheme: 'http' });
  assert.deepEqual(monitor.spec.selector.matchLabels, service.spec.selector);
});

test('a namespace, when given, is on every object', () => {
  for (const entry of generate({ namespace: 'ml' }).files) assert.equal(entry.object.metadata.namespace, 'ml');
  for (const entry of generate().files) assert.equal(entry.object.metadata.namespace, undefined);
});

test('--format kserve: an InferenceService running the Berth image as a custom predictor speaking OIP v2', () => {
  const isvc = objectOf(generate({ format: 'kserve' }), 'InferenceService') as Loose;
  assert.equal(isvc.apiVersion, 'serving.kserve.io/v1beta1');
  assert.equal(isvc.metadata.annotations['serving.kserve.io/deploymentMode'], 'RawDeployment');
  const predictor = isvc.spec.predictor;
  const server = predictor.containers[0];
  assert.equal(server.name, 'kserve-container');
  assert.equal(server.image, 'localhost/iris:3-3f2a1bc03f2a');
  assert.deepEqual(server.env[0], { name: 'PROTOCOL', value: 'v2' });
  assert.deepEqual(server.ports, [{ name: 'http1', containerPort: 8000, protocol: 'TCP' }]);
  assert.deepEqual(
    [server.readinessProbe.httpGet, server.livenessProbe.httpGet],
    [
      { path: '/ready', port: 8000 },
      { path: '/healthz', port: 8000 },
    ],
  );
  assert.ok(server.startupProbe);
  assert.deepEqual(
    [predictor.minReplicas, predictor.maxReplicas, predictor.scaleMetric, predictor.scaleTarget],
    [3, 20, 'cpu', 70],
  );
  assert.equal(predictor.securityContext.runAsUser, 10001);
  const serverless = objectOf(generate({ format: 'kserve', kserveMode: 'Serverless' }), 'InferenceService') as Loose;
  assert.equal(serverless.spec.predictor.containers[0].startupProbe, undefined);
  assert.equal(serverless.spec.predictor.containers[0].lifecycle, undefined);
});
