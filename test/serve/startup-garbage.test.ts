import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { collectStartupGarbage } from '../../src/serve/startup-garbage.js';

test('collectStartupGarbage runs a full GC and leaves no global gc behind', async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs without --expose-gc');
  const kinds: number[] = [];
  const observer = new PerformanceObserver((list) =>
    kinds.push(...list.getEntries().map((entry) => (entry as unknown as { detail: { kind: number } }).detail.kind)),
  );
  observer.observe({ entryTypes: ['gc'] });
  collectStartupGarbage();
  await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries are delivered asynchronously
  observer.disconnect();
  assert.ok(kinds.includes(constants.NODE_PERFORMANCE_GC_MAJOR), `a major GC ran (kinds seen: ${kinds.join(', ')})`);
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  assert.equal(runInNewContext('typeof gc'), 'undefined', 'the flag is off again for contexts made later');
});
