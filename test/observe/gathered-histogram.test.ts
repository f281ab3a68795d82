import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry, type RegistryContentType } from 'prom-client';
import { GatheredHistogram } from '../../src/observe/gathered-histogram.js';
import { seededRandom } from '../../src/observe/drift/sample.js';

const buckets = [0.001, 0.005, 0.01, 0.1, 1];

function pair(labelNames: string[], contentType?: RegistryContentType) {
  const make = <T>(Kind: new (config: never) => T) => {
    const registry = new Registry<RegistryContentType>();
    if (contentType) registry.setContentType(contentType);
    const metric = new Kind({
      name: 'berth_test_seconds',
      help: 'a test histogram',
      labelNames,
      buckets,
      registers: [registry],
    } as never);
    return { registry, metric };
  };
  return { plain: make(Histogram<string>), gathered: make(GatheredHistogram<string>) };
}

async function assertSame(
  plain: { registry: Registry<RegistryContentType>; metric: Histogram<string> },
  gathered: typeof plain,
) {
  assert.equal(await gathered.registry.metrics(), await plain.registry.metrics());
  assert.deepEqual(await gathered.metric.get(), await plain.metric.get());
  assert.deepEqual(await gathered.registry.getMetricsAsJSON(), await plain.registry.getMetricsAsJSON());
}

describe('GatheredHistogram', () => {
  it('exposes what prom-client’s histogram exposes for the same observations', async () => {
    const random = seededRandom(5);
    const { plain, gathered } = pair(['model', 'version']);
    const bound = gathered.metric.observer({ model: 'iris', version: '1' });
    await assertSame(plain, gathered);
    for (let i = 0; i < 5_000; i++) {
      const value = i % 50 === 0 ? buckets[i % buckets.length]! : i % 77 === 0 ? 3 : random() * random() * 0.2;
      const labels = { model: i % 3 === 0 ? 'iris' : 'forest', version: String(1 + (i % 2)) };
      plain.metric.observe(labels, value);
      if (labels.model === 'iris' && labels.version === '1') bound(value);
      else gathered.metric.observe(labels, value);
    }
    plain.metric.labels('iris', '3').observe(0.002);
    gathered.metric.labels('iris', '3').observe(0.002);
    plain.metric.labels({ model: 'x', version: '1' }).observe(0.02);
    gathered.metric.labels({ model: 'x', version: '1' }).observe(0.02);
    await assertSame(plain, gathered);

    plain.metric.remove({ model: 'iris', version: '1' });
    gathered.metric.remove({ model: 'iris', version: '1' });
    plain.metric.remove('forest', '2');
    gathered.metric.remove('forest', '2');
    await assertSame(plain, gathered);
    for (const metric of [plain.metric, gathered.metric]) metric.observe({ model: 'iris', version: '1' }, 0.5);
    bound(0.25);
    plain.metric.observe({ model: 'iris', version: '1' }, 0.25);
    await assertSame(plain, gathered);

    for (const metric of [plain.metric, gathered.metric]) {
      metric.zero({ model: 'iris', version: '1' });
      metric.observe({ model: 'iris', version: '1' }, 0.004);
    }
    await assertSame(plain, gathered);
    plain.metric.reset();
    gathered.metric.reset();
    await assertSame(plain, gathered);
  });

  it('exposes a histogram without labels from the start, in OpenMetrics too, and refuses what prom-client refuses', async () => {
    const { plain, gathered } = pair([], Registry.OPENMETRICS_CONTENT_TYPE);
    await assertSame(plain, gathered);
    for (const metric of [plain.metric, gathered.metric]) {
      metric.observe(0.003);
      metric.observe({}, 7);
    }
    await assertSame(plain, gathered);
    const labelled = pair(['model']);
    for (const metric of [labelled.plain.metric, labelled.gathered.metric]) {
      assert.throws(() => metric.observe({ model: 'iris' }, Number.NaN), TypeError);
      assert.throws(() => metric.observe({ other: 'x' } as never, 1), /not included in initial labelset/);
    }
    await assertSame(labelled.plain, labelled.gathered);
  });

  it('runs the collect hook before it is read', async () => {
    const registry = new Registry();
    let observed = false;
    new GatheredHistogram({
      name: 'berth_collected_seconds',
      help: 'collected',
      buckets,
      registers: [registry],
      collect() {
        if (!observed) this.observe(0.5);
        observed = true;
      },
    });
    assert.match(await registry.metrics(), /berth_collected_seconds_count 1/);
  });
});
