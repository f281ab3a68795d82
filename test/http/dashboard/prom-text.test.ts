import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from '../../../src/observe/metrics.js';
import { loadStatic } from './support.js';

const { parsePrometheusText } = await loadStatic('prom-text.js');

test('parses samples, labels with escapes, special values and TYPE lines', () => {
  const scrape = parsePrometheusText(
    [
      '# HELP berth_http_requests_total HTTP requests answered.',
      '# TYPE berth_http_requests_total counter',
      'berth_http_requests_total{route="/predict",model="iris",status="200"} 42',
      'weird{path="a\\"b\\\\c\\nd",empty=""} +Inf 1700000000000',
      'gauge_without_labels -1.5e-3',
      'not_a_number NaN',
      'lower_case_nan Nan',
      'broken{label="x" 1',
      '',
    ].join('\n'),
  );
  assert.equal(scrape.types.get('berth_http_requests_total'), 'counter');
  assert.deepEqual(scrape.samples[0], {
    name: 'berth_http_requests_total',
    labels: { route: '/predict', model: 'iris', status: '200' },
    value: 42,
  });
  assert.deepEqual(scrape.samples[1], { name: 'weird', labels: { path: 'a"b\\c\nd', empty: '' }, value: Infinity });
  assert.equal(scrape.samples[2].value, -0.0015);
  assert.ok(Number.isNaN(scrape.samples[3].value));
  assert.ok(Number.isNaN(scrape.samples[4].value), 'prom-client writes Nan');
  assert.equal(scrape.samples.length, 5, 'a malformed line is skipped');
});

test('reads everything prom-client writes for Berth', async () => {
  const metrics = createMetrics();
  metrics.httpRequests.inc({ route: '/v2/models/:name/infer', model: 'iris', status: '200' }, 3);
  metrics.httpDuration.observe({ route: '/predict', model: 'iris' }, 0.004);
  const text = await metrics.registry.metrics();
  const scrape = parsePrometheusText(text);
  const dataLines = text.split('\n').filter((line: string) => line !== '' && !line.startsWith('#'));
  assert.equal(scrape.samples.length, dataLines.length);
  assert.equal(scrape.types.get('berth_http_request_duration_seconds'), 'histogram');
  const bucket = scrape.samples.find(
    (sample: { name: string; labels: Record<string, string> }) =>
      sample.name === 'berth_http_request_duration_seconds_bucket' && sample.labels.le === '0.005',
  );
  assert.equal(bucket.value, 1);
});
