import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BerthError } from '../../src/core/errors.js';
import { defaultSettings, generate, irisFacts } from './support/fixtures.js';

const warnings = (...args: Parameters<typeof generate>) => generate(...args).warnings;
const badConfig = (error: BerthError) => error.code === 'BERTH_BAD_CONFIG';

test('the defaults with a measured model warn about nothing', () => {
  assert.deepEqual(warnings(), []);
});

test('a memory limit below the measured peak RSS warns that pods will be OOMKilled', () => {
  const [warning] = warnings({ limitsMemory: '64Mi' });
  assert.match(warning!, /memory limit 64Mi is below the measured peak RSS of 115 MiB: every pod will be OOMKilled/);
  assert.match(warning!, /use at least 256Mi/);
});

test('a limit above the peak but under the margin warns more mildly', () => {
  const [warning] = warnings({ limitsMemory: '128Mi' });
  assert.match(
    warning!,
    /leaves less than the recommended margin.*may be OOMKilled under load; Berth recommends 256Mi/,
  );
  assert.deepEqual(warnings({ limitsMemory: '1Gi' }), []);
});

test('given (not measured) numbers are named as such; unmeasured models warn that values are assumed', () => {
  assert.match(
    warnings({ limitsMemory: '64Mi' }, { facts: irisFacts({ measuredBy: 'flags' }) })[0]!,
    /the given peak RSS/,
  );
  const unmeasured = warnings(
    {},
    { facts: irisFacts({ loadSeconds: undefined, peakRssBytes: undefined, measuredBy: 'none' }) },
  );
  assert.equal(unmeasured.length, 1);
  assert.match(unmeasured[0]!, /not measured/);
});

test('latest or missing tags, single replicas, ignored --replicas, loopback hosts each warn', () => {
  assert.match(warnings({ image: 'iris:latest' })[0]!, /tag latest: rollbacks become ambiguous/);
  assert.match(warnings({ image: 'registry:5000/iris' })[0]!, /no tag/);
  assert.deepEqual(warnings({ image: 'iris@sha256:' + 'a'.repeat(64) }), []);
  assert.match(warnings({ hpa: false, replicas: '1' })[0]!, /replicas is 1/);
  assert.match(warnings({ replicas: '5' })[0]!, /--replicas is ignored while the HPA is on/);
  assert.match(warnings({}, { settings: defaultSettings({ server: { host: '127.0.0.1' } }) })[0]!, /loopback/);
  assert.match(warnings({ format: 'kserve', networkPolicy: true })[0]!, /--format plain only/);
});

test('impossible combinations are errors that name the option', () => {
  assert.throws(
    () => generate({ memory: '2Gi', limitsMemory: '1Gi' }),
    (error: BerthError) => badConfig(error) && /requests\.memory.*Kubernetes rejects/.test(error.message),
  );
  assert.throws(() => generate({ cpu: '2', limitsCpu: '1' }), badConfig);
  assert.throws(
    () => generate({ min: '5', max: '2' }),
    (error: BerthError) => /minReplicas 5 is more than maxReplicas 2/.test(error.message),
  );
  assert.throws(
    () => generate({ limitsMemory: 'lots' }),
    (error: BerthError) => /--limits-memory.*Kubernetes quantity/.test(error.message),
  );
  assert.throws(
    () => generate({ targetCpu: '150' }),
    (error: BerthError) => /--target-cpu/.test(error.message),
  );
  assert.throws(
    () => generate({ format: 'helm' }),
    (error: BerthError) => /plain, kserve/.test(error.message),
  );
  assert.throws(
    () => generate({ name: 'Not_A_Label' }),
    (error: BerthError) => /not-a-label/.test(error.message),
  );
  assert.throws(
    () => generate({}, { file: { replicas: 'three' } }),
    (error: BerthError) => /deploy\.replicas in berth\.yaml/.test(error.message),
  );
  assert.throws(() => generate({}, { file: ['not', 'a', 'mapping'] }), badConfig);
});

test('flags override berth.yaml, which overrides the defaults', () => {
  const set = generate(
    { max: '9' },
    { file: { autoscaling: { minReplicas: 2, maxReplicas: 4 }, resources: { requests: { cpu: '250m' } } } },
  );
  assert.deepEqual(
    [set.options.autoscaling.minReplicas, set.options.autoscaling.maxReplicas, set.options.resources.requests.cpu],
    [2, 9, '250m'],
  );
  assert.equal(
    generate({}, { file: { autoscaling: { minReplicas: 30 } } }).options.autoscaling.maxReplicas,
    30,
    'max follows a large min',
  );
});
