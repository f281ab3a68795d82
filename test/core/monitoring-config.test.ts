import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/core/config.js';
import { defaults } from '../../src/core/defaults.js';

describe('berth.yaml monitoring section', () => {
  it('keeps the defaults when absent', () => {
    assert.deepEqual(resolveConfig({ file: {} }).settings.monitoring, structuredClone(defaults.monitoring));
  });

  it('overlays thresholds and windows, and resolves paths from the berth.yaml folder', () => {
    const { settings } = resolveConfig({
      baseDir: '/srv/model',
      file: {
        monitoring: {
          reference: 'data/ref.csv',
          drift: { psiThreshold: 0.25, ksStatisticThreshold: 0.15, windowRows: 500 },
          feedback: { windowSeconds: 60 },
        },
      },
    });
    const { monitoring } = settings;
    assert.equal(monitoring.reference, '/srv/model/data/ref.csv');
    assert.equal(monitoring.drift.psiThreshold, 0.25);
    assert.equal(monitoring.drift.ksStatisticThreshold, 0.15);
    assert.equal(monitoring.drift.windowRows, 500);
    assert.equal(monitoring.drift.ksPValueThreshold, defaults.monitoring.drift.ksPValueThreshold);
    assert.equal(monitoring.feedback.windowSeconds, 60);
    assert.equal(monitoring.payloadLog.enabled, false);
  });

  it('turns payload logging on with a payloadLog mapping, reading sink: {url, mode}', () => {
    const { payloadLog } = resolveConfig({
      baseDir: '/srv/model',
      file: {
        monitoring: {
          payloadLog: {
            dir: 'logs',
            sampleRate: 0.1,
            maxFileBytes: 1000,
            maxTotalBytes: 5000,
            sink: { url: 'http://collector:8080/', mode: 'structured', eventTypes: 'berth' },
          },
        },
      },
    }).settings.monitoring;
    assert.equal(payloadLog.enabled, true);
    assert.equal(payloadLog.dir, '/srv/model/logs');
    assert.equal(payloadLog.sampleRate, 0.1);
    assert.equal(payloadLog.sinkUrl, 'http://collector:8080/');
    assert.equal(payloadLog.sinkMode, 'structured');
    assert.equal(payloadLog.sinkEventTypes, 'berth');
    assert.equal(
      resolveConfig({ file: { monitoring: { payloadLog: { enabled: false, dir: 'x' } } } }).settings.monitoring
        .payloadLog.enabled,
      false,
    );
  });

  it('refuses unknown keys and bad values, naming the setting', () => {
    const bad: Array<[unknown, RegExp]> = [
      [
        { drift: { psiThreshhold: 0.2 } },
        /unknown key `monitoring\.drift\.psiThreshhold`; did you mean monitoring\.drift\.psiThreshold\?/,
      ],
      [{ drift: { ksPValueThreshold: 1.5 } }, /monitoring\.drift\.ksPValueThreshold: must be between 0 and 1/],
      [{ drift: { windowRows: 10.5 } }, /monitoring\.drift\.windowRows: expected a whole number/],
      [{ drift: { windowRows: 0 } }, /monitoring\.drift\.windowRows: must be at least 1/],
      [{ drift: 'yes' }, /monitoring\.drift: must be a mapping/],
      [{ enabled: 'sometimes' }, /monitoring\.enabled: expected true or false/],
      [{ payloadLog: { sampleRate: 2 } }, /monitoring\.payloadLog\.sampleRate: must be between 0 and 1/],
      [{ payloadLog: { maxFileBytes: 100, maxTotalBytes: 10 } }, /maxTotalBytes: must be at least maxFileBytes/],
      [{ payloadLog: { sink: { url: 'ftp://x' } } }, /monitoring\.payloadLog\.sink\.url: must be an http/],
      [
        { payloadLog: { sink: { mode: 'loud' } } },
        /monitoring\.payloadLog\.sink\.mode: expected one of binary, structured/,
      ],
      [{ payloadLog: { sink: 'http://x' } }, /monitoring\.payloadLog\.sink: must be a mapping/],
      [{ payloadLog: { dir: '' } }, /monitoring\.payloadLog: needs a dir or a sink\.url/],
    ];
    for (const [monitoring, pattern] of bad)
      assert.throws(() => resolveConfig({ file: { monitoring } }), pattern, JSON.stringify(monitoring));
  });
});
