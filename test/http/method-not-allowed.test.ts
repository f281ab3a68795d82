import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { wrongMethods } from '../../src/http/method-not-allowed.js';
import type { Route } from '../../src/http/route.js';

const matching = { ignoreTrailingSlash: true, maxParamLength: 200 };
const route = (method: Route['method'], url: string) =>
  ({ method, url, handler: async () => ({}) }) as unknown as Route;
const routes = [
  route('POST', '/predict'),
  route('GET', '/v2/models/:name'),
  route('POST', '/v2/models/:name/infer'),
  route('POST', '/v2/models/:name/versions/:version/infer'),
  route('GET', '/v2/models/:name/versions/:version'),
  route('GET', '/metrics'),
  route('POST', '/metrics'),
  route('GET', '/docs/*'),
];
const supported = ['GET', 'HEAD', 'TRACE', 'DELETE', 'OPTIONS', 'PATCH', 'PUT', 'POST', 'QUERY'];

describe('wrongMethods', () => {
  const wrongMethod = wrongMethods(routes, supported, matching);

  it('names the route, its methods (HEAD with GET) and the path parameters', () => {
    const plain = (found: ReturnType<typeof wrongMethod>) => found && { ...found, params: { ...found.params } };
    assert.deepEqual(plain(wrongMethod('PUT', '/predict')), { url: '/predict', allowed: ['POST'], params: {} });
    assert.deepEqual(plain(wrongMethod('DELETE', '/v2/models/iris?x=1')), {
      url: '/v2/models/:name',
      allowed: ['GET', 'HEAD'],
      params: { name: 'iris' },
    });
    assert.deepEqual(wrongMethod('PATCH', '/metrics')?.allowed, ['GET', 'POST', 'HEAD']);
  });

  it('is undefined for a method the route has, an unknown path, and a method fastify does not route', () => {
    assert.equal(wrongMethod('HEAD', '/v2/models/iris'), undefined);
    assert.equal(wrongMethod('PUT', '/v3/anything'), undefined);
    assert.equal(wrongMethod('PROPFIND', '/predict'), undefined);
  });

  it('matches exactly the paths that fastify with the same router options matches', async () => {
    const app = Fastify({ routerOptions: matching });
    for (const each of routes) app.route({ method: each.method, url: each.url, handler: async () => 'matched' });
    const paths = [
      '/predict',
      '/predict/',
      '/predict//',
      '//predict',
      '/PREDICT',
      '/v2/models/',
      '/v2/models//',
      '/v2/models/iris/',
      '/v2/models/iris//',
      '/v2/%6Dodels/iris',
      '/v2/models/a%2Fb',
      `/v2/models/${'x'.repeat(200)}`,
      `/v2/models/${'x'.repeat(201)}`,
      '/v2/models/iris/versions/1/infer',
      '/v2/models//versions//infer',
      '/docs',
      '/docs/',
      '/docs/a/b',
      '/metrics?x=/predict',
    ];
    for (const path of paths) {
      const statuses = [(await app.inject({ method: 'GET', url: path })).statusCode];
      statuses.push((await app.inject({ method: 'POST', url: path })).statusCode);
      assert.equal(wrongMethod('DELETE', path) !== undefined, statuses.includes(200), `${path}: fastify ${statuses}`);
    }
    await app.close();
  });
});
