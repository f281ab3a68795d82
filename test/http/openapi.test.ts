import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { get, post, startTestServer } from '../helpers/server.js';
import type { RunningServer } from '../../src/serve/start-server.js';

describe('OpenAPI document and Swagger UI', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer('examples/iris');
  });
  after(async () => server.shutdown('test done'));

  it('is a valid OpenAPI 3.0 document', async () => {
    const { status, body } = await get(server, '/openapi.json');
    assert.equal(status, 200);
    const result = await new Validator().validate(body);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  it('describes every route, and the model-specific bodies', async () => {
    const { body } = await get(server, '/openapi.json');
    const paths = Object.keys(body.paths);
    for (const path of [
      '/healthz',
      '/ready',
      '/predict',
      '/models/{name}/predict',
      '/v2',
      '/v2/health/live',
      '/v2/health/ready',
      '/v2/models/{name}',
      '/v2/models/{name}/versions/{version}',
      '/v2/models/{name}/ready',
      '/v2/models/{name}/infer',
      '/v2/models/{name}/versions/{version}/infer',
      '/v1/models/{name}',
      '/v1/models/{name}:predict',
      '/metrics',
      '/v2/models/iris/infer',
      '/models/iris/predict',
    ]) {
      assert.ok(paths.includes(path), `${path} is documented`);
    }
    const named = body.paths['/predict'].post.requestBody.content['application/json'].schema.oneOf[0];
    assert.deepEqual(named.required, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    assert.equal(named.additionalProperties, false);
    const infer = body.paths['/v2/models/iris/infer'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(infer.properties.inputs.items.oneOf[0].properties.datatype, { type: 'string', enum: ['FP32'] });
  });

  it('validates requests with the schema it publishes', async () => {
    const { body } = await get(server, '/openapi.json');
    const example = body.paths['/predict'].post.requestBody.content['application/json'].schema.oneOf[0].example;
    assert.equal((await post(server, '/predict', example)).status, 200, 'the documented example is accepted');
    const extra = await post(server, '/predict', { ...example, extra: 1 });
    assert.equal(extra.status, 400);
    assert.match(extra.body.error, /unknown feature `extra`/);
  });

  it('serves Swagger UI from local files (no CDN, no inline script) pointed at /openapi.json', async () => {
    const page = await get(server, '/docs/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.doesNotMatch(page.raw, /https?:\/\//, 'nothing from another origin');
    assert.doesNotMatch(page.raw, /<script>[^<]/, 'no inline script');
    for (const src of page.raw.match(/(?:src|href)="(\/docs\/[^"]+)"/g)!.map((attribute) => attribute.split('"')[1]!)) {
      const asset = await get(server, src);
      assert.equal(asset.status, 200, src);
      assert.ok(asset.raw.length > 100, `${src} has content`);
    }
    assert.match((await get(server, '/docs/init.js')).raw, /url: '\/openapi.json'/);
    assert.equal((await get(server, '/docs/../../package.json')).status, 404, 'only the known assets are served');
    assert.equal((await get(server, '/docs/index.html')).status, 404);
  });
});
