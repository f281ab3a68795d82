import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { runInNewContext, runInThisContext } from 'node:vm';
import v8 from 'node:v8';
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

test('after collectStartupGarbage, code that stops running gives back its bytecode at the full GCs V8 starts itself', async () => {
  const bytecode = () => v8.getHeapCodeStatistics().bytecode_and_metadata_size;
  // A function of ~2,000 statements, run once as start-up code is, and kept alive.
  const body = Array.from({ length: 2000 }, (_, i) => `total += values[${i % 7}] * ${i};`).join('\n');
  const once = runInThisContext(`(function once(values) { let total = 0;\n${body}\nreturn total; })`) as (
    values: number[],
  ) => number;
  const empty = bytecode();
  once([1, 2, 3, 4, 5, 6, 7]);
  const compiled = bytecode();
  collectStartupGarbage();
  // A forced GC neither ages nor flushes code; V8's own full GCs, started by allocation, do.
  let majors = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if ((entry as unknown as { detail: { kind: number } }).detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        majors++;
  });
  observer.observe({ entryTypes: ['gc'] });
  let garbage: Array<{ i: number; s: string }> = [];
  for (let round = 0; round < 500 && majors < 3; round++) {
    for (let i = 0; i < 20_000; i++) garbage.push({ i, s: `x${i}` });
    if (garbage.length > 200_000) garbage = [];
    await new Promise((resolve) => setImmediate(resolve));
  }
  observer.disconnect();
  assert.ok(majors >= 2, `V8 ran ${majors} full GCs`);
  assert.ok(
    bytecode() < compiled - 100_000,
    `bytecode ${empty} before the call, ${compiled} after it, ${bytecode()} after idle full GCs`,
  );
  assert.equal(typeof once, 'function');
});
