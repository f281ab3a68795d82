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

const bytecode = () => v8.getHeapCodeStatistics().bytecode_and_metadata_size;

/** A function of ~2,000 statements, compiled and run once, as start-up code is. */
function compileLongFunction(name: string): (values: number[]) => number {
  const body = Array.from({ length: 2000 }, (_, i) => `total += values[${i % 7}] * ${i};`).join('\n');
  const once = runInThisContext(`(function ${name}(values) { let total = 0;\n${body}\nreturn total; })`);
  once([1, 2, 3, 4, 5, 6, 7]);
  return once as (values: number[]) => number;
}

/** Allocates until V8 has run `count` full GCs of its own (started by allocation, not forced). */
async function ownFullGcs(count: number): Promise<number> {
  let majors = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if ((entry as unknown as { detail: { kind: number } }).detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        majors++;
  });
  observer.observe({ entryTypes: ['gc'] });
  let garbage: Array<{ i: number; s: string }> = [];
  for (let round = 0; round < 500 && majors < count; round++) {
    for (let i = 0; i < 20_000; i++) garbage.push({ i, s: `x${i}` });
    if (garbage.length > 200_000) garbage = [];
    await new Promise((resolve) => setImmediate(resolve));
  }
  observer.disconnect();
  return majors;
}

test('collectStartupGarbage drops the bytecode of code that ran before it, and later code ages as usual', async () => {
  const before = bytecode();
  const startup = compileLongFunction('startup');
  const compiled = bytecode() - before;
  assert.ok(compiled > 30_000, `the function compiled to ${compiled} bytes of bytecode`);
  collectStartupGarbage();
  assert.ok(bytecode() < before + compiled / 2, `bytecode ${before} + ${compiled}, then ${bytecode()} after the GC`);
  assert.equal(startup([1, 1, 1, 1, 1, 1, 1]), 1999000, 'a flushed function compiles again when called');

  // Stress flushing is off again: a function idle through V8's next full GCs keeps its bytecode.
  const afterwards = bytecode();
  compileLongFunction('later');
  const kept = bytecode() - afterwards;
  assert.ok(kept > 30_000, `the function compiled to ${kept} bytes of bytecode`);
  assert.ok((await ownFullGcs(2)) >= 2, 'V8 ran full GCs of its own');
  assert.ok(bytecode() - afterwards > kept / 2, `bytecode ${afterwards} + ${kept}, then ${bytecode()}`);
});
