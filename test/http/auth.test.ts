import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { get, loopbackFlags, post } from '../helpers/server.js';
import { startServer, type RunningServer } from '../../src/serve/start-server.js';

describe('API key', () => {
  let server: RunningServer;
  let logs = '';
  const key = 's3cret-key-value';
  before(async () => {
    const destination = new Writable({ write: (chunk, _, done) => ((logs += chunk), done()) });
    server = await startServer({
      target: 'examples/iris',
      flags: {
        ...loopbackFlags,
        'server.apiKey': key,
        'log.level': 'debug',
      },
      logDestination: destination as never,
    });
    await server.loaded;
  });
  after(async () => server.shutdown('test done'));

  const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

  it('is required on prediction and metadata routes', async () => {
    for (const response of [
      await post(server, '/predict', row),
      await post(server, '/predict', row, { authorization: 'Bearer wrong' }),
      await get(server, '/v2/models/iris'),
      await post(server, '/predict', row, { authorization: key }),
    ]) {
      assert.equal(response.status, 401);
      assert.match(response.body.error, /API key/);
    }
    assert.equal((await post(server, '/predict', row, { authorization: `Bearer ${key}` })).status, 200);
  });

  it('is not required on probes and /metrics', async () => {
    for (const path of ['/healthz', '/ready', '/v2/health/live', '/v2/health/ready', '/metrics'])
      assert.equal((await get(server, path)).status, 200, path);
  });

  it('never appears in logs', async () => {
    await post(server, '/predict', row, { authorization: `Bearer ${key}` });
    server.logger.info({ settings: server.settings }, 'settings dump');
    server.logger.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(logs, /"route":"\/predict"/);
    assert.ok(!logs.includes(key), 'the key is redacted everywhere');
  });
});
