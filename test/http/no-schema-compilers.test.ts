import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { noSchemaCompilers } from '../../src/http/no-schema-compilers.js';

test('without fastify schemas an app serves JSON bodies, and a route given one fails at build time', async () => {
  const app = Fastify({ schemaController: { compilersFactory: noSchemaCompilers } });
  app.post('/echo', async (request) => request.body);
  const echoed = await app.inject({ method: 'POST', url: '/echo', payload: { rows: [[1, 2]] } });
  assert.equal(echoed.statusCode, 200);
  assert.deepEqual(echoed.json(), { rows: [[1, 2]] });
  await app.close();

  const schemed = Fastify({ schemaController: { compilersFactory: noSchemaCompilers } });
  schemed.post('/typed', { schema: { body: { type: 'object' } } }, async () => 'ok');
  await assert.rejects(
    async () => schemed.ready(),
    /a route was given a fastify schema; Berth validates bodies in its codecs/,
  );
});
