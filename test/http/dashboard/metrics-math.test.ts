import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStatic } from './support.js';

const math = await loadStatic('metrics-math.js');
const { parsePrometheusText } = await loadStatic('prom-text.js');
const { inferenceRoute } = await loadStatic('metric-names.js');

test('histogramQuantile follows PromQL: linear inside the bucket, first bucket from 0, +Inf → highest bound', () => {
  // 100 observations: 50 ≤ 0.01, 40 in (0.01, 0.1], 10 in (0.1, +Inf).
  const cumulative = [
    [0.01, 50],
    [0.1, 90],
    [Infinity, 100],
  ];
  assert.equal(math.histogramQuantile(0.5, cumulative), 0.01);
  assert.ok(Math.abs(math.histogramQuantile(0.25, cumulative) - 0.005) < 1e-12);
  assert.ok(Math.abs(math.histogramQuantile(0.7, cumulative) - (0.01 + 0.09 * (20 / 40))) < 1e-12);
  assert.equal(math.histogramQuantile(0.99, cumulative), 0.1, 'in the +Inf bucket: the highest finite bound');
  assert.equal(
    math.histogramQuantile(0.5, [
      [0.01, 0],
      [Infinity, 0],
    ]),
    undefined,
    'no observations',
  );
  assert.equal(math.histogramQuantile(0.5, []), undefined);
});

test('increase handles counter resets as PromQL does', () => {
  assert.equal(math.increase(15, 10), 5);
  assert.equal(math.increase(3, 10), 3, 'a restart: the new value is the whole increase');
  assert.equal(math.increase(7, undefined), 7, 'a series born since the older scrape started at 0');
  assert.equal(math.increase(undefined, 4), undefined);
});

test('sums and buckets aggregate over matching series only', () => {
  const scrape = parsePrometheusText(
    [
      'h_bucket{route="/predict",le="0.1"} 2',
      'h_bucket{route="/predict",le="+Inf"} 3',
      'h_bucket{route="/v2/models/:name/infer",le="0.1"} 1',
      'h_bucket{route="/v2/models/:name/infer",le="+Inf"} 1',
      'h_bucket{route="/metrics",le="0.1"} 100',
      'h_bucket{route="/metrics",le="+Inf"} 100',
      'c_total{route="/predict",model="a"} 5',
      'c_total{route="/metrics",model=""} 50',
      'c_total{route="/models/:name/predict",model="b"} 7',
    ].join('\n'),
  );
  const inference = (labels: Record<string, string>) => inferenceRoute.test(labels.route);
  assert.deepEqual(math.buckets(scrape, 'h', inference), [
    [0.1, 3],
    [Infinity, 4],
  ]);
  assert.equal(math.sum(scrape, 'c_total', inference), 12);
  assert.deepEqual(
    [...math.sumBy(scrape, 'c_total', 'model', inference)],
    [
      ['a', 5],
      ['b', 7],
    ],
  );
  assert.equal(math.sum(scrape, 'missing_total'), undefined);
  assert.deepEqual(
    math.bucketIncrease(
      [
        [0.1, 5],
        [Infinity, 9],
      ],
      [
        [0.1, 3],
        [Infinity, 4],
      ],
    ),
    [
      [0.1, 2],
      [Infinity, 5],
    ],
  );
  assert.deepEqual(
    math.bucketIncrease(
      [
        [0.1, 1],
        [Infinity, 1],
      ],
      [
        [0.1, 3],
        [Infinity, 4],
      ],
    ),
    [
      [0.1, 1],
      [Infinity, 1],
    ],
    'reset',
  );
});
