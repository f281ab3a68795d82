import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BerthError } from '../../src/core/errors.js';
import { defaults } from '../../src/core/defaults.js';
import { splitBinaryBody } from '../../src/protocol/binary-body.js';
import { v2Codec } from '../../src/protocol/v2-codec.js';
import { binaryRequest, type BinaryInput } from '../helpers/binary-body.js';
import { decodeWith, signatureOf } from '../helpers/codec.js';
import { loadCase } from '../helpers/server.js';

/**
 * Property test of the binary body decoder (split at the header length, parse the JSON, take each
 * input's bytes, decode them): for random and mutated bodies, every outcome is a decoded request
 * or a 400/413 BerthError, never another exception. A fixed seed makes every run the same bodies.
 */
const limits = { ...defaults.limits, maxValues: 100_000 };
const fixture = loadCase('onnx-all-datatypes');
const valid: BinaryInput[] = Object.entries(fixture.inputs).map(([name, tensor]) => ({ name, ...tensor }));
const model = signatureOf('onnx-all-datatypes', fixture.inputs);

/** xorshift32: small, fast, and the same sequence everywhere. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return {
    next,
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  };
}

/** The decode path a request takes after the body is read, minus HTTP (against the model's signature, any subset of its inputs). */
function decode(body: Buffer, headerLength: string | undefined): 'ok' | BerthError {
  try {
    const { json, binary } = splitBinaryBody(body, headerLength);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json.toString('utf8'));
    } catch {
      return new BerthError('BERTH_INVALID_JSON', 400, 'not JSON'); // fastify's parser answers this one
    }
    decodeWith(v2Codec, { json: parsed, binary }, model, { limits, finish: false });
    return 'ok';
  } catch (error) {
    if (error instanceof BerthError) return error;
    throw error;
  }
}

const weirdNumbers = [
  -1,
  0,
  1,
  3,
  7,
  2 ** 31,
  2 ** 32 + 4,
  2 ** 53,
  2 ** 64,
  -0,
  0.5,
  1e300,
  Number.MAX_SAFE_INTEGER,
  '16',
  null,
  true,
  [],
  {},
];

/** A body whose JSON is changed in one structural way. */
function mutatedJson(rng: ReturnType<typeof random>) {
  const inputs = valid.filter(() => rng.next() < 0.5).map((input) => ({ ...input, binary: rng.next() < 0.7 }));
  const { body, headerLength } = binaryRequest(inputs.length > 0 ? inputs : valid.slice(0, 1));
  const json = JSON.parse(body.subarray(0, headerLength).toString('utf8')) as { inputs: Array<Record<string, any>> };
  const target = rng.pick(json.inputs);
  switch (rng.int(6)) {
    case 0:
      target.parameters = { binary_data_size: rng.pick(weirdNumbers) };
      break;
    case 1:
      target.shape = target.shape.map(() => rng.pick(weirdNumbers));
      break;
    case 2:
      target.datatype = rng.pick(['FP32', 'BYTES', 'BOOL', 'FP16', 'UINT64', 'X', 7]);
      break;
    case 3:
      target.parameters = { ...target.parameters, shared_memory_region: 'r' };
      break;
    case 4:
      json.inputs.reverse();
      break;
    default:
      target.data = [1, 2];
      break;
  }
  const header = Buffer.from(JSON.stringify(json));
  return { body: Buffer.concat([header, body.subarray(headerLength)]), headerLength: String(header.length) };
}

/** A valid body with its bytes or its header length damaged. */
function mutatedBytes(rng: ReturnType<typeof random>) {
  const { body, headerLength } = binaryRequest(valid);
  const copy = Buffer.from(body);
  const flips = rng.int(8);
  for (let i = 0; i < flips; i++) copy[rng.int(copy.length)] = rng.int(256);
  const cut = rng.next() < 0.3 ? copy.subarray(0, rng.int(copy.length + 1)) : copy;
  const length = rng.pick([
    String(headerLength),
    String(headerLength + rng.int(9) - 4),
    '-1',
    '0',
    String(cut.length + 1),
    'x',
    ' 12 ',
    undefined,
  ]);
  return { body: cut, headerLength: length };
}

/** Bytes that owe nothing to the format. */
function noise(rng: ReturnType<typeof random>) {
  const body = Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256)));
  return { body, headerLength: rng.next() < 0.5 ? String(rng.int(body.length + 2)) : undefined };
}

describe('binary body decoder under random and mutated input', () => {
  it('answers every body with a request or a 400/413, never another exception (3000 bodies, seed 20)', () => {
    const rng = random(20);
    const outcomes = { ok: 0, 400: 0, 413: 0 };
    for (let i = 0; i < 3000; i++) {
      const { body, headerLength } = [mutatedJson, mutatedBytes, noise][i % 3]!(rng);
      const outcome = decode(body, headerLength);
      if (outcome === 'ok') outcomes.ok++;
      else {
        assert.ok(outcome.status === 400 || outcome.status === 413, `${outcome.status} ${outcome.message}`);
        assert.ok(outcome.message.length > 0);
        outcomes[outcome.status as 400 | 413]++;
      }
    }
    // The mix reaches both sides: some mutations keep a decodable body, most do not.
    assert.ok(outcomes.ok > 0 && outcomes[400] > 0, JSON.stringify(outcomes));
  });

  it('decodes every valid mix of JSON and binary inputs (500 bodies, seed 7)', () => {
    const rng = random(7);
    for (let i = 0; i < 500; i++) {
      const inputs = valid.filter(() => rng.next() < 0.6).map((input) => ({ ...input, binary: rng.next() < 0.5 }));
      if (inputs.length === 0) continue;
      const { body, headerLength } = binaryRequest(inputs);
      assert.equal(decode(body, String(headerLength)), 'ok');
    }
  });
});
