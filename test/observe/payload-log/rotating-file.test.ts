import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { errors } from '../../../src/core/errors.js';
import { RotatingFileWriter } from '../../../src/observe/payload-log/rotating-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-rotate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function totalBytes(): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name)).catch(() => ({ size: 0 }))).size;
  return total;
}

const line = (i: number) => `${JSON.stringify({ i, pad: 'x'.repeat(150) })}\n`;

describe('RotatingFileWriter', () => {
  it('rotates by size and deletes the oldest files so the directory never passes the cap', async () => {
    const writer = new RotatingFileWriter({
      dir,
      baseName: 'payloads',
      maxFileBytes: 4096,
      maxTotalBytes: 16_384,
      maxQueueBytes: 1 << 20,
    });
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await totalBytes());
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let burst = 0; burst < 20; burst++) {
      for (let i = 0; i < 100; i++)
        assert.equal(writer.enqueue(line(burst * 100 + i), Buffer.byteLength(line(0))), true);
      await new Promise((r) => setImmediate(r));
    }
    await writer.close();
    sampling = false;
    await sampler;
    const names = (await readdir(dir)).sort();
    assert.ok((await totalBytes()) <= 16_384, `final total ${await totalBytes()}`);
    assert.ok(peak <= 16_384, `peak total ${peak}`);
    assert.ok(writer.counters.rotated > 10 && writer.counters.deleted > 0, JSON.stringify(writer.counters));
    assert.equal(writer.counters.written, 2000);
    assert.ok(names.includes('payloads.jsonl'));
    for (const name of names) assert.match(name, /^payloads(\.\d{6})?\.jsonl$/);
    for (const name of names) assert.ok((await stat(join(dir, name))).size <= 4096);
    // Newest data survives: the active file ends with the last line written.
    const active = (await readFile(join(dir, 'payloads.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(JSON.parse(active.at(-1)!).i, 1999);
  });

  it('drops (and counts) what does not fit the queue or any file, without throwing', async () => {
    const writer = new RotatingFileWriter({
      dir,
      baseName: 'p',
      maxFileBytes: 1000,
      maxTotalBytes: 5000,
      maxQueueBytes: 2000,
    });
    let accepted = 0;
    for (let i = 0; i < 100; i++) if (writer.enqueue(line(i), 165)) accepted++;
    assert.equal(writer.enqueue('x'.repeat(2000), 2000), false, 'larger than a file');
    await writer.close();
    assert.equal(accepted, 12);
    assert.equal(writer.counters.dropped, 89);
    assert.equal(writer.counters.written, 12);
    assert.equal(writer.enqueue(line(0), 165), false, 'closed');
  });

  it('continues the sequence of an earlier run and enforces the cap on what it finds', async () => {
    for (const seq of [1, 2, 3]) await writeFile(join(dir, `p.00000${seq}.jsonl`), 'x'.repeat(900) + '\n');
    const writer = new RotatingFileWriter({
      dir,
      baseName: 'p',
      maxFileBytes: 1000,
      maxTotalBytes: 3000,
      maxQueueBytes: 10_000,
    });
    for (let i = 0; i < 10; i++) writer.enqueue(line(i), 165);
    await writer.close();
    const names = (await readdir(dir)).sort();
    assert.ok(!names.includes('p.000001.jsonl'), names.join());
    assert.ok(names.includes('p.000004.jsonl'), names.join());
    assert.ok((await totalBytes()) <= 3000);
  });

  it('counts write failures and keeps going without throwing', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, '');
    const writer = new RotatingFileWriter({
      dir: join(blocker, 'logs'),
      baseName: 'p',
      maxFileBytes: 1000,
      maxTotalBytes: 5000,
      maxQueueBytes: 10_000,
      errorBackoffMs: 1,
    });
    assert.equal(writer.enqueue(line(1), 165), true);
    await writer.close();
    assert.equal(writer.counters.errors, 1);
    assert.equal(writer.counters.dropped, 1);
  });

  it('refuses a cap smaller than one file', () => {
    assert.throws(
      () => new RotatingFileWriter({ dir, baseName: 'p', maxFileBytes: 10, maxTotalBytes: 5, maxQueueBytes: 1 }),
      (e: Error & { code?: string }) => e.code === errors.badMonitoringSetting.code,
    );
  });
});
