import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricNames } from '../../../src/core/metric-names.js';
import { exportedMetrics, isExported, metricNamesIn } from './support.js';

test('metricNamesIn finds selected metrics and nothing else', () => {
  assert.deepEqual(
    metricNamesIn(
      'histogram_quantile(0.99, sum by (le, model) (rate(berth_http_request_duration_seconds_bucket{model=~"$model", route=~".*(predict|infer)"}[$__rate_interval])))',
    ),
    ['berth_http_request_duration_seconds_bucket'],
  );
  assert.deepEqual(metricNamesIn('sum(rate(a_total[5m])) / sum(rate(b_total[5m])) > 1e-4 and on (job) up == 0'), [
    'a_total',
    'b_total',
    'up',
  ]);
  assert.deepEqual(metricNamesIn('min by (model) (berth_live_accuracy{model="x"}) < 0.8'), ['berth_live_accuracy']);
});

test('isExported accepts histogram series and rejects unknown names', () => {
  const exported = new Map([
    ['h_seconds', 'histogram'],
    ['c_total', 'counter'],
  ]);
  assert.equal(isExported('h_seconds_bucket', exported), true);
  assert.equal(isExported('c_total', exported), true);
  assert.equal(isExported('c_total_bucket', exported), false);
  assert.equal(isExported('nope', exported), false);
});

test('every metric name the generators use is exported by src/observe/metrics.ts', async () => {
  const exported = await exportedMetrics();
  for (const [key, name] of Object.entries(metricNames)) assert.ok(isExported(name, exported), `${key}: ${name}`);
});
