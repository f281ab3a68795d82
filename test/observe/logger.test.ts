import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { bufferedStream, droppedLogLines } from '../../src/observe/logger.js';
import { createMetrics } from '../../src/observe/metrics.js';

test('the log buffer is capped: lines beyond it are dropped and counted, the rest written whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-log-'));
  const path = join(dir, 'log.jsonl');
  const stream = bufferedStream(path, 64 * 1024);
  const logger = pino({ base: null }, stream);
  const before = droppedLogLines();
  // One turn of the event loop: the first write is still in flight, so everything after it waits.
  for (let i = 0; i < 5000; i++) logger.info({ i }, 'a line of about fifty bytes');
  const dropped = droppedLogLines() - before;
  await new Promise<void>((resolve) => stream.flush(() => resolve()));
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
