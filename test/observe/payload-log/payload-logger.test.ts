import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { serializeEntry } from '../../../src/observe/payload-log/entry.js';
import { PayloadLogger } from '../../../src/observe/payload-log/payload-logger.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-payload-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (i: number) => ({
  requestId: `req-${i}`,
  model: 'iris',
  version: 3,
  timestamp: '2025-01-01T00:00:00.000Z',
  request: { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: new Float32Array([5.1, 3.5, 1.4, 0.2]) }] },
  response: { outputs: [{ name: 'label', data: [BigInt(0)] }] },
  status: 200,
  latencyMs: 0.8,
});

describe('PayloadLogger', () => {
  it('returns synchronously and writes nothing before the caller’s turn ends', async () => {
    const logger = new PayloadLogger({ dir });
    const result = logger.log(entry(1));
    assert.equal(result, true, 'a boolean, not a promise');
    assert.equal(existsSync(join(dir, 'payloads.jsonl')), false, 'no I/O happened inside log()');
    await logger.close();
    const [line] = (await readFile(join(dir, 'payloads.jsonl'), 'utf8')).trim().split('\n');
    assert.deepEqual(JSON.parse(line!), {
      request_id: 'req-1',
      model: 'iris',
      version: '3',
      timestamp: '2025-01-01T00:00:00.000Z',
      status: 200,
      latency_ms: 0.8,
      request: {
        inputs: [
          {
            name: 'x',
            datatype: 'FP32',
            shape: [1, 4],
            data: [5.099999904632568, 3.5, 1.399999976158142, 0.20000000298023224],
          },
        ],
      },
      response: { outputs: [{ name: 'label', data: [0] }] },
    });
  });

  it('respects the disk cap under a burst, never throwing, every entry written or counted as dropped', async () => {
    const logger = new PayloadLogger({ dir, maxFileBytes: 8192, maxTotalBytes: 32_768, maxQueueBytes: 64 * 1024 });
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      if (logger.log(entry(i))) accepted++;
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    await logger.close();
    const counters = logger.counters();
    let total = 0;
    for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
    assert.ok(total <= 32_768, `${total} bytes on disk`);
    assert.equal(counters.logged, 5000);
    assert.equal(counters.written + counters.dropped, 5000);
    assert.equal(counters.written, accepted);
    assert.ok(counters.rotated > 0 && counters.deleted > 0 && counters.dropped > 0, JSON.stringify(counters));
  });

  it('samples, and counts what it skips', async () => {
    let calls = 0;
    const logger = new PayloadLogger({ dir, sampleRate: 0.25, random: () => (calls++ % 4) / 4 });
    for (let i = 0; i < 8; i++) logger.log(entry(i));
    await logger.close();
    assert.deepEqual([logger.counters().logged, logger.counters().sampledOut, logger.counters().written], [2, 6, 2]);
  });

  it('drops an entry it cannot serialise instead of throwing', async () => {
    const logger = new PayloadLogger({ dir });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(logger.log({ requestId: 'x', model: 'm', request: cyclic, response: null }), false);
    assert.equal(logger.counters().unserializable, 1);
    await logger.close();
  });

  it('rejects a sample rate outside 0–1', () => {
    assert.throws(() => new PayloadLogger({ dir, sampleRate: 2 }), /sampleRate/);
  });
});

describe('serializeEntry', () => {
  it('writes one JSON line with typed arrays as arrays and big integers as strings', () => {
    const serialized = serializeEntry(
      {
        requestId: 'r',
        model: 'm',
        request: { big: BigInt('9007199254740993'), ids: new BigInt64Array([1n]) },
        response: undefined,
      },
      new Date(0),
    );
    assert.ok(serialized.line.endsWith('}\n'));
    assert.equal(serialized.bytes, Buffer.byteLength(serialized.line));
    assert.deepEqual(JSON.parse(serialized.line), {
      request_id: 'r',
      model: 'm',
      version: '',
      timestamp: '1970-01-01T00:00:00.000Z',
      request: { big: '9007199254740993', ids: [1] },
      response: null,
    });
  });
});
