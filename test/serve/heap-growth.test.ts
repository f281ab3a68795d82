import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import { governHeapGrowth } from '../../src/serve/heap-growth.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('heap growth is limited while requests are shed, and V8 policy returns once calm', async () => {
  const shed = new Counter({
    name: 'shed_total',
    help: 'h',
    labelNames: ['model', 'reason'],
    registers: [new Registry()],
  });
  const calls: number[] = [];
  const stop = governHeapGrowth(shed, 30, { calmMs: 200, intervalMs: 20, setGrowth: (percent) => calls.push(percent) });
  await sleep(100);
  assert.deepEqual(calls, [], 'nothing shed: V8 keeps its own policy');

  for (let i = 0; i < 5; i++) {
    shed.inc({ model: 'iris', reason: 'queue_full' });
    await sleep(40);
  }
  assert.deepEqual(calls, [30], 'limited once, not on every shed request');

  await sleep(400);
  assert.deepEqual(calls, [30, 0], 'lifted after calmMs without shedding');
  stop();
});

test('percent 0 never touches V8', async () => {
  const shed = new Counter({ name: 'shed_total', help: 'h', registers: [new Registry()] });
  const calls: number[] = [];
  const stop = governHeapGrowth(shed, 0, { intervalMs: 10, setGrowth: (percent) => calls.push(percent) });
  shed.inc();
  await sleep(60);
  assert.deepEqual(calls, []);
  stop();
});
