import assert from 'node:assert/strict';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { lengthDelimited, subFields, textOf, varintsOf, wireFields } from '../../src/runtime/wire-fields.js';

test('fields are listed in order with their extent, and sub-messages are stepped over unread', () => {
  const inner = protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .string('x')
    .finish();
  const bytes = protobuf.Writer.create()
    .uint32((1 << 3) | 0)
    .int64(300)
    .uint32((2 << 3) | 2)
    .string('héllo')
    .uint32((3 << 3) | 2)
    .bytes(inner)
    .uint32((4 << 3) | 5)
    .fixed32(7)
    .uint32((5 << 3) | 1)
    .double(1.5)
    .finish();
  const fields = wireFields(bytes);
  assert.deepEqual(
    fields.map((field) => [field.number, field.wireType]),
    [
      [1, 0],
      [2, 2],
      [3, 2],
      [4, 5],
      [5, 1],
    ],
  );
  assert.equal(fields.at(-1)!.end, bytes.length);
  assert.deepEqual(varintsOf(bytes, fields[0]!), [300]);
  assert.equal(textOf(bytes, fields[1]!), 'héllo');
  assert.equal(textOf(bytes, subFields(bytes, fields[2]!)[0]!), 'x');
  assert.deepEqual(
    Buffer.from(bytes.subarray(fields[2]!.start, fields[2]!.end)),
    Buffer.from(lengthDelimited(3, [inner])),
  );
});

test('repeated integers are read packed or one field each, including int64 beyond 32 bits', () => {
  const packed = protobuf.Writer.create()
    .uint32((8 << 3) | 2)
    .fork()
    .int64(1)
    .int64(2 ** 40)
    .int64(-1)
    .ldelim()
    .finish();
  assert.deepEqual(varintsOf(packed, wireFields(packed)[0]!), [1, 2 ** 40, -1]);
  const unpacked = protobuf.Writer.create()
    .uint32(8 << 3)
    .int64(4)
    .uint32(8 << 3)
    .int64(5)
    .finish();
  assert.deepEqual(
    wireFields(unpacked).flatMap((field) => varintsOf(unpacked, field)),
    [4, 5],
  );
  const empty = protobuf.Writer.create()
    .uint32((8 << 3) | 2)
    .fork()
    .ldelim()
    .finish();
  assert.deepEqual(varintsOf(empty, wireFields(empty)[0]!), []);
});

test('malformed input throws instead of reading past its message', () => {
  assert.throws(() => wireFields(Uint8Array.from([0x0a, 0x05, 0x61])), /runs past the end/);
  assert.throws(() => wireFields(Uint8Array.from([0x00, 0x01])), /field number 0/);
  assert.throws(() => wireFields(Uint8Array.from([0x0f])), /invalid wire type 7/);
  const varint = Uint8Array.from([0x08, 0x01]);
  assert.throws(() => textOf(varint, wireFields(varint)[0]!), /expected a length-delimited value/);
  const fixed = Uint8Array.from([0x0d, 1, 0, 0, 0]);
  assert.throws(() => varintsOf(fixed, wireFields(fixed)[0]!), /expected integers/);
  // A sub-message is bounded by its field: its fields cannot spill into the parent's.
  const bytes = Uint8Array.from([0x0a, 0x02, 0x12, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65]);
  assert.throws(() => subFields(bytes, wireFields(bytes, 0, 4)[0]!), /runs past the end/);
});
