import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { bufferedStream, droppedLogLines } from '../../src/observe/log-stream.js';
import { createMetrics } from '../../src/observe/metrics.js';

async function writtenOut(stream: ReturnType<typeof bufferedStream>): Promise<void> {
  await new Promise<void>((resolve, reject) => stream.flush((error) => (error ? reject(error) : resolve())));
}

/** The lines written to `path` once `stream` has written out, parsed. */
async function writtenLines<Line>(stream: ReturnType<typeof bufferedStream>, path: string): Promise<Line[]> {
  await writtenOut(stream);
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);
}

test('the log buffer is capped: a turn whose lines go beyond it are dropped and counted, the rest written whole and in order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-log-'));
  const path = join(dir, 'log.jsonl');
  const stream = bufferedStream(path, 4096);
  const logger = pino({ base: null }, stream);
  const before = droppedLogLines();
  // flush() ends a turn: it hands that turn's lines over as one string, as setImmediate would.
  for (let i = 0; i < 20; i++) logger.info({ i }, 'first turn');
  stream.flush();
  for (let i = 20; i < 120; i++) logger.info({ i }, 'second turn, over the cap (4 KiB) by itself');
  stream.flush();
  for (let i = 120; i < 130; i++) logger.info({ i }, 'third turn');
  const dropped = droppedLogLines() - before;
  await writtenOut(stream);
  const written = (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { i: number });
  assert.equal(dropped, 100);
  assert.deepEqual(
    written.map((line) => line.i),
    [...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 120 + i)],
  );

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
  const written = await writtenLines<{ i: number; text: string }>(stream, path);
  assert.deepEqual(
    written.map((line) => line.i),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(written[5]!.text, long);
  stream.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('lines reach the file within the gathering interval, without a flush', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-log-'));
  const path = join(dir, 'log.jsonl');
  const stream = bufferedStream(path, undefined, 10);
  const logger = pino({ base: null }, stream);
  logger.info('one');
  logger.info('two');
  let text = '';
  for (let waited = 0; waited < 2000 && text.split('\n').length < 3; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    text = await readFile(path, 'utf8');
  }
  assert.deepEqual(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { msg: string }).msg),
    ['one', 'two'],
  );
  stream.destroy();
  await rm(dir, { recursive: true, force: true });
});

test('lines outside ASCII are written as UTF-8, whole and in order, across hand-overs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-log-'));
  const path = join(dir, 'log.jsonl');
  const stream = bufferedStream(path);
  const logger = pino({ base: null }, stream);
  // Enough text to be handed over several times while gathering (every 64 Ki characters).
  const text = 'é 中文 😀 '.repeat(40);
  for (let i = 0; i < 2000; i++) logger.info({ i, text }, 'line');
  const written = await writtenLines<{ i: number; text: string }>(stream, path);
  assert.deepEqual(
    written.map((line) => line.i),
    Array.from({ length: 2000 }, (_, i) => i),
  );
  assert.ok(written.every((line) => line.text === text));
  stream.destroy();
  await rm(dir, { recursive: true, force: true });
});
