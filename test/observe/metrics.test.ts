import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get, post, startTestServer } from '../helpers/server.js';
import { createMetrics } from '../../src/observe/metrics.js';
import type { RunningServer } from '../../src/serve/start-server.js';

/** /metrics in Prometheus text format with the families Berth exports, labelled by route/model/status. */
describe('/metrics', () => {
  let server: RunningServer;
  before(async () => {
    // A thread threshold no call reaches: on a loaded machine a preempted first call (tens of ms)
    // would make call placement send a later, larger call to the onnxruntime thread.
    server = await startTestServer('examples/iris', { 'onnx.threadAboveMicros': 60_000_000 });
    await post(server, '/predict', { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
    await post(server, '/predict', {
      instances: [
        [5.1, 3.5, 1.4, 0.2],
        [6.7, 3.0, 5.2, 2.3],
      ],
    });
    await post(server, '/predict', { sepal_length: 'x' });
  });
  after(async () => server.shutdown('test done'));

  it('is Prometheus text with every family', async () => {
    const { status, headers, raw } = await get(server, '/metrics');
    assert.equal(status, 200);
    assert.match(String(headers['content-type']), /^text\/plain; version=0.0.4/);
    for (const family of [
      'berth_http_requests_total',
      'berth_http_request_duration_seconds',
      'berth_inference_duration_seconds',
      'berth_inference_rows_total',
      'berth_http_requests_in_flight',
      'berth_model_load_seconds',
      'berth_model_ready',
      'berth_batch_size',
      'berth_queue_duration_seconds',
      'berth_model_call_duration_seconds',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.match(raw, new RegExp(`^# TYPE ${family} `, 'm'), family);
    }
  });

  it('counts requests by route, model and status, and rows predicted', async () => {
    const { raw } = await get(server, '/metrics');
    assert.match(raw, /^berth_http_requests_total\{route="\/predict",model="iris",status="200"\} 2$/m);
    assert.match(raw, /^berth_http_requests_total\{route="\/predict",model="iris",status="400"\} 1$/m);
    assert.match(raw, /^berth_inference_rows_total\{model="iris",version="1"\} 3$/m);
    assert.match(raw, /^berth_model_ready\{model="iris",version="1"\} 1$/m);
    assert.match(raw, /^berth_http_request_duration_seconds_count\{route="\/predict",model="iris"\} 3$/m);
  });

  it('times model calls by the thread they ran on: the main thread below the threshold', async () => {
    const { raw } = await get(server, '/metrics');
    // The warm-up, one call for the drift reference's predictions, and the two predictions (the bad
    // request never reaches the model).
    assert.match(raw, /^berth_model_call_duration_seconds_count\{model="iris",version="1",thread="main"\} 4$/m);
    assert.doesNotMatch(raw, /thread="onnxruntime"/);
  });
});

describe('/metrics with every model call on the onnxruntime thread', () => {
  it('times them under thread="onnxruntime"', async () => {
    const server = await startTestServer('examples/iris', { 'onnx.threadAboveMicros': 0 });
    try {
      await post(server, '/predict', { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
      const { raw } = await get(server, '/metrics');
      assert.match(
        raw,
        /^berth_model_call_duration_seconds_count\{model="iris",version="1",thread="onnxruntime"\} 3$/m,
      );
      assert.doesNotMatch(raw, /thread="main"/);
    } finally {
      await server.shutdown('test done');
    }
  });
});

/** Updates gathered on the request path reach prom-client when the registry reads the metric. */
describe('gathered metric updates', () => {
  it('counters add what gathered since the last read, once; gauges show the last value', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const labels = () => ({ route: '/predict', model: 'iris', status: '200' });
    metrics.requestCounts.update('/predict\niris\n200', labels);
    metrics.requestCounts.update('/predict\niris\n200', labels, 2);
    metrics.httpRequests.inc({ route: '/predict', model: 'iris', status: '200' }, 10);
    metrics.depths.update('iris', () => ({ model: 'iris' }), 5);
    metrics.depths.update('iris', () => ({ model: 'iris' }), 3);
    const value = async (name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value;
    assert.equal(await value('berth_http_requests_total'), 13);
    assert.equal(await value('berth_http_requests_total'), 13, 'a second read adds nothing');
    metrics.requestCounts.update('/predict\niris\n200', labels);
    assert.equal(await value('berth_http_requests_total'), 14);
    assert.equal(await value('berth_queue_depth'), 3);
    assert.match(
      await metrics.registry.metrics(),
      /berth_http_requests_total\{route="\/predict",model="iris",status="200"\} 14/,
    );
  });
});
