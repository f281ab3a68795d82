import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from '../../../src/observe/metrics.js';
import { loadStatic } from './support.js';

const { LiveMetrics } = await loadStatic('live-metrics.js');
const { parsePrometheusText } = await loadStatic('prom-text.js');

test('rates, error ratios and latency quantiles from two scrapes of a real registry', async () => {
  const metrics = createMetrics();
  const scrape = async () => parsePrometheusText(await metrics.registry.metrics());
  const live = new LiveMetrics(10);
  metrics.httpRequests.inc({ route: '/predict', model: 'iris', status: '200' }, 100);
  assert.equal(live.add(0, await scrape()), undefined, 'one scrape: no rate yet');

  // Over the next 2 s: 40 answered 200 on two dialects, 10 answered 503, probes and scrapes don't count.
  metrics.httpRequests.inc({ route: '/predict', model: 'iris', status: '200' }, 30);
  metrics.httpRequests.inc({ route: '/v2/models/:name/infer', model: 'iris', status: '200' }, 10);
  metrics.httpRequests.inc({ route: '/v2/models/:name/infer', model: 'iris', status: '503' }, 10);
  metrics.httpRequests.inc({ route: '/metrics', model: '', status: '200' }, 1000);
  for (let i = 0; i < 45; i++) metrics.httpDuration.observe({ route: '/predict', model: 'iris' }, 0.002);
  for (let i = 0; i < 5; i++) metrics.httpDuration.observe({ route: '/predict', model: 'iris' }, 0.2);
  for (let i = 0; i < 500; i++) metrics.httpDuration.observe({ route: '/metrics', model: '' }, 3);
  metrics.inferenceRows.inc({ model: 'iris', version: '1' }, 120);
  metrics.batchSize.observe({ model: 'iris' }, 4);
  metrics.batchSize.observe({ model: 'iris' }, 2);
  metrics.liveAccuracy.set({ model: 'iris', version: '1' }, 0.93);
  metrics.modelReady.set({ model: 'iris', version: '1' }, 1);
  const point = live.add(2000, await scrape());

  assert.equal(point.requests.get('iris'), 25, '50 inference requests in 2 s');
  assert.equal(point.errors5xx, 0.2);
  assert.equal(point.errors4xx, 0);
  assert.equal(point.predictions.get('iris'), 60);
  assert.ok(point.p50 > 0.001 && point.p50 <= 0.0025, `p50 ${point.p50}`);
  assert.ok(point.p99 > 0.1 && point.p99 <= 0.25, `p99 ${point.p99} (the /metrics scrapes at 3 s are not traffic)`);
  assert.equal(point.batchMean, 3);
  assert.equal(point.accuracy.get('iris'), 0.93);
  assert.equal(point.ready.get('iris'), 1);
  assert.deepEqual(point.perModel.get('iris'), { rate: 25, p99: point.p99, errorRatio: 0.2 });
  assert.ok(point.memory > 0 && point.cpu >= 0);
});

test('the rate window slides: points compare with the scrape about windowSeconds earlier', () => {
  const live = new LiveMetrics(10);
  const at = (count: number) =>
    parsePrometheusText(`berth_http_requests_total{route="/predict",model="m",status="200"} ${count}`);
  live.add(0, at(0));
  for (let second = 2; second <= 30; second += 2) {
    const point = live.add(second * 1000, at(second * 10 + (second > 20 ? (second - 20) * 90 : 0)));
    if (second === 10) assert.equal(point.requests.get('m'), 10);
    if (second === 30)
      assert.equal(
        point.requests.get('m'),
        100,
        'the last 10 s ran at 100/s; the earlier slow part is out of the window',
      );
  }
  assert.ok(live.snapshots.length <= 7, 'only the window is kept');
});
