import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDurationMs, parseDurationSeconds } from '../../src/plan/duration.js';

test('durations', () => {
  assert.equal(parseDurationMs('50ms', '--slo-p99'), 50);
  assert.equal(parseDurationMs('50', '--slo-p99', 'ms'), 50);
  assert.equal(parseDurationSeconds('1h30m', '--duration'), 5400);
  assert.equal(parseDurationSeconds('90', '--duration'), 90);
  assert.equal(parseDurationSeconds('1.5s', '--duration'), 1.5);
  assert.throws(() => parseDurationSeconds('5 minutes', '--duration'), /--duration must be a duration such as 50ms/);
  assert.throws(() => parseDurationSeconds('h', '--duration'), /got `h`/);
  assert.equal(formatDuration(5400), '1h30m');
  assert.equal(formatDuration(86_400), '24h');
  assert.equal(formatDuration(0.05), '50ms');
});
