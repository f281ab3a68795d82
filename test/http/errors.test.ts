import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from '../../src/core/errors.js';
import { get, post, startTestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import type { RunningServer } from '../../src/serve/start-server.js';

/**
 * Every caller mistake is a 4xx {"error"} that says what and where; none is a 500, none carries
 * a stack trace, and the server keeps serving afterwards.
 */
const iris = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const v2 = (overrides: Record<string, unknown> = {}) => ({
  inputs: [{ name: 'float_input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2], ...overrides }],
});

describe('error catalogue over HTTP', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer(
      'test/fixtures/models/sk-forest-int',
      { 'limits.maxBodyBytes': 4096, 'limits.maxRows': 50, 'limits.maxDepth': 8 },
      { name: 'iris' },
    );
  });
  after(async () => server.shutdown('test done'));

  const cases: Array<{
    title: string;
    send: () => ReturnType<typeof post>;
    status: number;
    code?: { code: string };
    message: RegExp;
  }> = [
    {
      title: 'missing feature',
      send: () => post(server, '/predict', { ...iris, petal_width: undefined }),
      status: 400,
      message: /^missing feature `petal_width`$/,
    },
    {
      title: 'unknown feature',
      send: () => post(server, '/predict', { ...iris, colour: 'red' }),
      status: 400,
      message: /unknown feature `colour`/,
    },
    {
      title: 'misspelled feature (as many keys as features)',
      send: () =>
        post(server, '/predict', { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_widht: 0.2 }),
      status: 400,
      message: /unknown feature `petal_widht`/,
    },
    {
      title: 'feature of the wrong type',
      send: () => post(server, '/predict', { ...iris, sepal_width: 'wide' }),
      status: 400,
      message: /feature `sepal_width` must be a number, got "wide"/,
    },
    {
      title: 'null feature',
      send: () => post(server, '/predict', { ...iris, sepal_width: null }),
      status: 400,
      message: /feature `sepal_width` must be a number, got null/,
    },
    {
      title: 'row too short',
      send: () => post(server, '/predict', { features: [5.1, 3.5, 1.4] }),
      status: 400,
      message: /expected 4 values per row, got 3 in `features`/,
    },
    {
      title: 'bad value in instances',
      send: () =>
        post(server, '/predict', {
          instances: [
            [1, 2, 3, 4],
            [1, 'x', 3, 4],
          ],
        }),
      status: 400,
      message: /feature `sepal_width` in instances\[1\] must be a number, got "x"/,
    },
    {
      title: 'ambiguous body',
      send: () => post(server, '/predict', { features: [1, 2, 3, 4], instances: [] }),
      status: 400,
      message: /cannot tell the request format/,
    },
    {
      title: 'body is not an object',
      send: () => post(server, '/predict', [1, 2, 3]),
      status: 400,
      message: /request body must be a JSON object/,
    },
    {
      title: 'shape does not match the values',
      send: () => post(server, '/v2/models/iris/infer', v2({ shape: [2, 4] })),
      status: 400,
      code: errors.shapeMismatch,
      message: /shape \[2,4\] of `float_input` does not match 4 values/,
    },
    {
      title: 'shape does not fit the model',
      send: () => post(server, '/v2/models/iris/infer', v2({ shape: [2, 2] })),
      status: 400,
      code: errors.wrongShape,
      message: /shape \[2,2\] of `float_input` does not fit the model's \[-1,4\]/,
    },
    {
      title: 'wrong datatype',
      send: () => post(server, '/v2/models/iris/infer', v2({ datatype: 'FP64' })),
      status: 400,
      code: errors.wrongDatatype,
      message: /datatype FP32 expected for `float_input`, got FP64/,
    },
    {
      title: 'not an OIP datatype',
      send: () => post(server, '/v2/models/iris/infer', v2({ datatype: 'FLOAT' })),
      status: 400,
      message: /datatype FLOAT of `float_input` is not an Open Inference Protocol datatype/,
    },
    {
      title: 'unknown input',
      send: () => post(server, '/v2/models/iris/infer', v2({ name: 'x' })),
      status: 400,
      message: /unknown input `x` for model `iris`; expected `float_input`/,
    },
    {
      title: 'unknown output',
      send: () => post(server, '/v2/models/iris/infer', { ...v2(), outputs: [{ name: 'nope' }] }),
      status: 400,
      message: /unknown output `nope`/,
    },
    {
      title: 'string where a number belongs',
      send: () => post(server, '/v2/models/iris/infer', v2({ data: [1, 2, 'three', 4] })),
      status: 400,
      message: /value 2 of `float_input` must be a number, got "three"/,
    },
    {
      title: 'negative shape',
      send: () => post(server, '/v2/models/iris/infer', v2({ shape: [-1, 4] })),
      status: 400,
      message: /shape of `float_input` must be an array of non-negative integers/,
    },
    {
      title: 'no inputs',
      send: () => post(server, '/v2/models/iris/infer', { inputs: [] }),
      status: 400,
      message: /`inputs` must be a non-empty array/,
    },
    {
      title: 'nesting that does not follow the shape',
      send: () =>
        post(server, '/v2/models/iris/infer', v2({ data: JSON.parse('['.repeat(20) + '1' + ']'.repeat(20)) })),
      status: 400,
      message: /nested data of `float_input` does not match its shape/,
    },
    {
      title: 'unknown model',
      send: () => post(server, '/v2/models/irs/infer', v2()),
      status: 404,
      message: /^unknown model `irs`$/,
    },
    {
      title: 'unknown version',
      send: () => post(server, '/v2/models/iris/versions/9/infer', v2()),
      status: 404,
      message: /model `iris` has no version `9`/,
    },
    {
      title: 'unknown model, seed dialect',
      send: () => post(server, '/models/irs/predict', iris),
      status: 404,
      message: /unknown model `irs`/,
    },
    {
      title: 'unknown route',
      send: () => post(server, '/v3/infer', iris),
      status: 404,
      message: /no route POST \/v3\/infer/,
    },
    {
      title: 'too many rows',
      send: () => post(server, '/predict', { instances: Array.from({ length: 51 }, () => [1, 2, 3, 4]) }),
      status: 413,
      message: /51 rows is more than the limit of 50/,
    },
    {
      title: 'body over the limit',
      send: () =>
        post(server, '/predict', { instances: Array.from({ length: 400 }, () => [1.123, 2.123, 3.123, 4.123]) }),
      status: 413,
      message: /larger than the limit of 4096 bytes/,
    },
    {
      title: 'invalid JSON',
      send: () => post(server, '/predict', '{"sepal_length": 5.1,'),
      status: 400,
      message: /request body is not valid JSON/,
    },
    { title: 'empty body', send: () => post(server, '/predict', ''), status: 400, message: /request body is empty/ },
    {
      title: 'prototype poisoning',
      send: () => post(server, '/predict', '{"__proto__": {"x": 1}}'),
      status: 400,
      message: /./,
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.title} → ${testCase.status}`, async () => {
      const response = await testCase.send();
      assert.equal(response.status, testCase.status, JSON.stringify(response.body));
      assert.equal(typeof response.body.error, 'string');
      assert.match(response.body.error, testCase.message);
      assert.doesNotMatch(response.raw, /at .*\.(ts|js):\d+/, 'no stack trace in a response');
      assert.match(String(response.headers['x-request-id']), /./);
    });
  }

  it('not JSON → 415 naming the content type', async () => {
    const response = await post(server, '/predict', 'sepal_length=5.1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(response.status, 415);
    assert.match(
      response.body.error,
      /content-type application\/x-www-form-urlencoded is not supported; send application\/json/,
    );
  });

  it('honours a caller X-Request-Id and generates one otherwise', async () => {
    const given = await post(server, '/predict', iris, { 'x-request-id': 'trace-42' });
    assert.equal(given.headers['x-request-id'], 'trace-42');
    const generated = await post(server, '/predict', iris);
    assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    const hostile = await post(server, '/predict', iris, { 'x-request-id': 'a b\tc' });
    assert.notEqual(hostile.headers['x-request-id'], 'a b\tc');
  });

  it('still serves correctly after all of the above', async () => {
    const response = await post(server, '/predict', iris);
    assert.equal(response.status, 200);
    assert.equal(response.body.label, 'setosa');
    const metrics = await get(server, '/metrics');
    assert.doesNotMatch(metrics.raw, /status="500"/);
  });
});

describe('admission control', () => {
  it('answers 429 with Retry-After before reading the body once too many requests are in flight, and keeps probes open', async () => {
    const server = await startTestServer('examples/iris', { 'server.maxInFlight': 0 });
    try {
      const response = await post(server, '/predict', {
        sepal_length: 5.1,
        sepal_width: 3.5,
        petal_length: 1.4,
        petal_width: 0.2,
      });
      assert.equal(response.status, 429);
      assert.equal(response.headers['retry-after'], '1');
      assert.match(response.body.error, /server is at its limit of 0 requests in flight/);
      assert.equal((await get(server, '/ready')).status, 200, 'probes are never shed');
      assert.equal((await get(server, '/metrics')).status, 200);
    } finally {
      await server.shutdown('test done');
    }
  });
});

describe('in-flight accounting', () => {
  it('does not leak when clients abort, so admission control recovers', async () => {
    const { request } = await import('node:http');
    const server = await startTestServer('examples/iris', { 'server.maxInFlight': 4, 'server.requestTimeoutMs': 5000 });
    try {
      const { port } = server.app.server.address() as { port: number };
      // Twenty requests whose clients give up at once, before any answer is written.
      await Promise.all(
        Array.from(
          { length: 20 },
          () =>
            new Promise<void>((resolve) => {
              const body = JSON.stringify({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
              const outgoing = request({
                host: '127.0.0.1',
                port,
                path: '/predict',
                method: 'POST',
                headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
              });
              outgoing.on('error', () => resolve());
              outgoing.end(body, () => setImmediate(() => (outgoing.destroy(), resolve())));
            }),
        ),
      );
      const inFlight = /^berth_http_requests_in_flight 1$/m;
      await until(
        async () => inFlight.test((await get(server, '/metrics')).raw as string),
        'the aborted requests have left',
      ).catch(() => undefined);
      const metrics = (await get(server, '/metrics')).raw as string;
      assert.match(metrics, inFlight, 'only the /metrics request itself is in flight');
      const after = await post(server, '/predict', {
        sepal_length: 5.1,
        sepal_width: 3.5,
        petal_length: 1.4,
        petal_width: 0.2,
      });
      assert.equal(after.status, 200);
    } finally {
      await server.shutdown('test done');
    }
  });
});
