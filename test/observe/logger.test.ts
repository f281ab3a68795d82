import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { bufferedStream, droppedLogLines } from '../../src/observe/logger.js';
import { createMetrics } from '../../src/observe/metrics.js';

/**
 * Waits out the write in flight, then writes the rest: sonic-boom's flush(cb) calls back once what
 * is left is under minLength (1 KiB), which the 250 ms timer or exit writes in production.
 */
async function writtenOut(stream: ReturnType<typeof bufferedStream>): Promise<void> {
  await new Promise<void>((resolve) => stream.flush(() => resolve()));
  stream.flushSync();
}

test('the log buffer is capped: lines beyond it are dropped and counted, the rest written whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-log-'));
  const path = join(dir, 'log.jsonl');
  const stream = bufferedStream(path, 64 * 1024);
  const logger = pino({ base: null }, stream);
  const before = droppedLogLines();
  // One turn of the event loop: the first write is still in flight, so everything after it waits.
  for (let i = 0; i < 5000; i++) logger.info({ i }, 'a line of about fifty bytes');
  const dropped = droppedLogLines() - before;
  await writtenOut(stream);
  const written = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  assert.ok(dropped > 0 && dropped < 5000, `dropped ${dropped}`);
  assert.equal(written.length + dropped, 5000, 'every line is either written or counted as dropped');
  for (const line of written) JSON.parse(line); // never a torn line

  const metrics = createMetrics({ processMetrics: false });
  const text = await metrics.registry.metrics();
  assert.match(text, new RegExp(`berth_log_lines_dropped_total ${droppedLogLines()}\\n`));
  stream.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('lines longer than a write chunk (2 KiB) are written whole, in order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-log-'));
  const path = join(dir, 'log.jsonl');
  const stream = bufferedStream(path);
  const logger = pino({ base: null }, stream);
  const long = 'x'.repeat(10_000);
  for (let i = 0; i < 50; i++) logger.info({ i, text: i % 5 === 0 ? long : 'short' }, 'line');
  await writtenOut(stream);
  const written = (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as { i: number; text: string });
  assert.deepEqual(written.map((line) => line.i), Array.from({ length: 50 }, (_, i) => i));
  assert.equal(written[5]!.text, long);
  stream.destroy();
  await rm(dir, { recursive: true, force: true });
});
