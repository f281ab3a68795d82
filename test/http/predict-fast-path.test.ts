import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { predictFastPath, type PredictFastPathSteps } from '../../src/http/predict-fast-path.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { startTestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a real socket, the body sent exactly as given. */
function send(url: string, method: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const raw = Buffer.concat(chunks);
        const gzipped = response.headers['content-encoding'] === 'gzip';
        resolve({
          status: response.statusCode!,
          headers: response.headers,
          body: (gzipped ? gunzipSync(raw) : raw).toString('utf8'),
        });
      });
    });
    call.on('error', reject);
    call.end(body);
  });
}

/** The headers that differ between any two replies (date, id) or with the socket (keep-alive). */
function comparable(headers: IncomingHttpHeaders): Record<string, unknown> {
  const { date: _date, 'x-request-id': _id, 'keep-alive': _keepAlive, ...rest } = headers;
  if (rest.connection === 'keep-alive') delete rest.connection;
  return rest;
}

const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

describe('POST /predict past fastify', () => {
  let server: RunningServer;
  const key = 'fast-path-key';
  before(async () => {
    server = await startTestServer(
      'test/fixtures/models/sk-forest-int',
      { 'server.apiKey': key, 'limits.maxBodyBytes': 4096, 'limits.maxRows': 50 },
      { name: 'iris' },
    );
  });
  after(async () => server.shutdown('test done'));

  // Each body is sent as `application/json` (the fast path's) and as `application/json; charset=utf-8`
  // (fastify's own route): the two answers must be the same.
  const cases: Array<{ title: string; body: string; headers?: Record<string, string> }> = [
    { title: 'one row', body: JSON.stringify(row) },
    {
      title: 'rows as instances, compressed',
      body: JSON.stringify({ instances: Array(40).fill([5.1, 3.5, 1.4, 0.2]) }),
      headers: { 'accept-encoding': 'gzip' },
    },
    {
      title: 'a large answer, uncompressed',
      body: JSON.stringify({ instances: Array(40).fill([6.1, 2.8, 4.7, 1.2]) }),
    },
    { title: 'a missing feature', body: JSON.stringify({ ...row, petal_width: undefined }) },
    { title: 'a string for a number', body: JSON.stringify({ ...row, sepal_length: 'NaN' }) },
    { title: 'too many rows', body: JSON.stringify({ instances: Array(51).fill([5.1, 3.5, 1.4, 0.2]) }) },
    { title: 'broken JSON', body: '{"sepal_length": 5.1' },
    { title: 'an empty body', body: '' },
    { title: 'a __proto__ key', body: '{"__proto__": {"polluted": true}, "sepal_length": 5.1}' },
    { title: 'a constructor.prototype key', body: '{"constructor": {"prototype": {"polluted": true}}}' },
    { title: 'no API key', body: JSON.stringify(row), headers: { authorization: '' } },
    { title: 'a wrong API key', body: JSON.stringify(row), headers: { authorization: 'Bearer nope' } },
    { title: 'a body over the limit', body: JSON.stringify({ instances: Array(200).fill([5.1, 3.5, 1.4, 0.2]) }) },
  ];
  for (const { title, body, headers = {} } of cases) {
    it(`answers ${title} as fastify does`, async () => {
      const common = { authorization: `Bearer ${key}`, 'x-request-id': 'parity-1', ...headers };
      const fast = await send(`${server.url}/predict`, 'POST', body, { ...common, 'content-type': 'application/json' });
      const general = await send(`${server.url}/predict`, 'POST', body, {
        ...common,
        'content-type': 'application/json; charset=utf-8',
      });
      assert.equal(fast.status, general.status);
      assert.deepEqual(JSON.parse(fast.body), JSON.parse(general.body));
      assert.deepEqual(comparable(fast.headers), comparable(general.headers));
      assert.equal(fast.headers['x-request-id'], 'parity-1');
    });
  }

  it('counts, times and frees every request it answers', async () => {
    const before = await send(`${server.url}/metrics`, 'GET', '', {});
    const count = (text: string, status: string) =>
      Number(
        new RegExp(`^berth_http_requests_total\\{route="/predict",model="iris",status="${status}"\\} (\\d+)`, 'm').exec(
          text,
        )?.[1] ?? 0,
      );
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    for (let i = 0; i < 3; i++) await send(`${server.url}/predict`, 'POST', JSON.stringify(row), headers);
    await send(`${server.url}/predict`, 'POST', '{', headers);
    const afterwards = (await send(`${server.url}/metrics`, 'GET', '', {})).body;
    assert.equal(count(afterwards, '200') - count(before.body, '200'), 3);
    assert.equal(count(afterwards, '400') - count(before.body, '400'), 1);
    assert.match(afterwards, /^berth_http_request_duration_seconds_count\{route="\/predict",model="iris"\} \d+/m);
    // The ticket goes back when the response closes, a moment after the client has it.
    await until(() => server.gate.admission.handling === 0, 'every slot given back');
  });
});

describe('which requests the fast path takes', () => {
  let server: Server;
  let url: string;
  const taken: string[] = [];
  const steps: PredictFastPathSteps = {
    bodyLimit: 100,
    general: () => false,
    requestId: () => 'id',
    admit: () => ({ id: 'id', auth: 'open' }),
    handle: () => undefined,
    parseJson: (text, done) => done(null, JSON.parse(text)),
    predict: async (body) => body,
    errorReply: () => ({ status: 500, headers: {}, body: { error: 'unexpected' } }),
    compress: (payload, _accept, done) => done(payload),
    answered: () => undefined,
  };
  before(async () => {
    const fast = predictFastPath(steps);
    server = createServer((request, response) => {
      if (fast(request, response)) return taken.push(`${request.method} ${request.url}`);
      response.end('general');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('takes a JSON POST to /predict with its length declared, under the body limit', async () => {
    const answer = await send(`${url}/predict`, 'POST', '{"a":1}', { 'content-type': 'application/json' });
    assert.deepEqual([answer.status, JSON.parse(answer.body)], [200, { a: 1 }]);
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
  });

  const general: Array<[string, string, string, Record<string, string>]> = [
    ['another path', '/models/iris/predict', '{}', { 'content-type': 'application/json' }],
    ['a query string', '/predict?x=1', '{}', { 'content-type': 'application/json' }],
    ['a trailing slash', '/predict/', '{}', { 'content-type': 'application/json' }],
    ['another content type', '/predict', '{}', { 'content-type': 'text/plain' }],
    ['a charset parameter', '/predict', '{}', { 'content-type': 'application/json; charset=utf-8' }],
    ['a compressed body', '/predict', '{}', { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
    ['no declared length', '/predict', '{}', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
    [
      'a body over the limit',
      '/predict',
      JSON.stringify({ a: 'x'.repeat(200) }),
      { 'content-type': 'application/json' },
    ],
  ];
  for (const [title, path, body, headers] of general) {
    it(`leaves ${title} to fastify`, async () => {
      const answer = await send(`${url}${path}`, 'POST', body, headers);
      assert.equal(answer.body, 'general');
    });
  }

  it('leaves other methods, and everything while general() says so, to fastify', async () => {
    assert.equal((await send(`${url}/predict`, 'GET', '', {})).body, 'general');
    steps.general = () => true;
    const answer = await send(`${url}/predict`, 'POST', '{}', { 'content-type': 'application/json' });
    steps.general = () => false;
    assert.equal(answer.body, 'general');
    assert.deepEqual(taken, ['POST /predict']);
  });
});
