import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/core/config.js';
import { defaults } from '../../src/core/defaults.js';
import { settingEntries } from '../../src/core/config/schema.js';

/** The settings with a flag and a BERTH_* variable. */
const settingSpecs = settingEntries.filter((entry) => entry.env !== undefined);

describe('configuration', () => {
  it('starts from the one defaults object', () => {
    const { settings } = resolveConfig({});
    assert.deepEqual(settings, structuredClone(defaults));
  });

  it('applies precedence flag > environment > berth.yaml > default', () => {
    const file = { server: { port: 7000, host: '127.0.0.1' }, limits: { maxRows: 5 } };
    const env = { BERTH_PORT: '7100', BERTH_MAX_ROWS: '6' };
    const flags = { 'server.port': '7200' };
    const { settings } = resolveConfig({ file, env, flags });
    assert.equal(settings.server.port, 7200, 'flag wins');
    assert.equal(settings.limits.maxRows, 6, 'environment beats the file');
    assert.equal(settings.server.host, '127.0.0.1', 'file beats the default');
    assert.equal(settings.server.grpcPort, defaults.server.grpcPort);
  });

  it('names every environment variable after its flag, or the OpenTelemetry variable a tracing setting mirrors', () => {
    for (const spec of settingSpecs) {
      if (spec.path.startsWith('tracing.') && spec.env!.startsWith('OTEL_')) continue;
      assert.equal(spec.env, `BERTH_${spec.flag!.slice(2).replace(/-/g, '_').toUpperCase()}`);
    }
    assert.equal(
      new Set(settingSpecs.map((spec) => spec.env)).size,
      settingSpecs.length,
      'no two settings share a variable',
    );
  });

  it('refuses bad values, saying which setting and where it came from', () => {
    assert.throws(
      () => resolveConfig({ env: { BERTH_PORT: 'eighty' } }),
      /invalid setting BERTH_PORT: expected a non-negative integer, got "eighty"/,
    );
    assert.throws(() => resolveConfig({ file: { server: { port: 70000 } } }), /server.port/);
    assert.throws(() => resolveConfig({ flags: { 'log.level': 'loud' } }), /--log-level: expected one of fatal, error/);
    assert.throws(() => resolveConfig({ flags: { 'server.workers': '0' } }), /positive integer or "auto"/);
    assert.throws(
      () => resolveConfig({ file: { model: { features: 'a,b' } } }),
      /model.features: must be a list of names/,
    );
    assert.throws(
      () => resolveConfig({ file: { model: { batching: { maxBatchSze: 3 } } } }),
      /unknown key `model.batching.maxBatchSze`; did you mean model.batching.maxBatchSize\?/,
    );
  });

  it('never echoes a secret in an error', () => {
    assert.throws(
      () => resolveConfig({ file: { server: { apiKey: { nested: 'hunter2' } } } }),
      (error: Error) => !error.message.includes('hunter2'),
    );
  });

  it('refuses unknown keys, naming the closest known one', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ sever: { port: 1 } }, /unknown key `sever`; did you mean server\?/],
      [{ server: { prot: 9000 } }, /unknown key `server.prot`; did you mean server.port\?/],
      [{ model: { feature: ['a'] } }, /unknown key `model.feature`; did you mean model.features\?/],
      [{ limits: { maxBody: 1 } }, /unknown key `limits.maxBody`/],
      [{ nonsense: 1 }, /^berth.yaml: unknown key `nonsense`$/],
    ];
    for (const [file, message] of cases)
      assert.throws(
        () => resolveConfig({ file }),
        (error: Error & { code?: string }) => error.code === 'BERTH_UNKNOWN_CONFIG_KEY' && message.test(error.message),
      );
  });

  it('turns model control on only with an API key, and takes the key once', () => {
    assert.throws(() => resolveConfig({ flags: { 'server.modelControl': 'true' } }), /needs an API key/);
    assert.equal(
      resolveConfig({ flags: { 'server.modelControl': 'true', 'server.apiKeyFile': '/run/secrets/key' } }).settings
        .server.modelControl,
      true,
    );
    assert.throws(() => resolveConfig({ flags: { 'server.apiKey': 'a', 'server.apiKeyFile': '/k' } }), /not both/);
  });
});
