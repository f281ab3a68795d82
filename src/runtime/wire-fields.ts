import protobuf from 'protobufjs/minimal.js';

/**
 * Protobuf's wire format read field by field, without a schema and without decoding values that
 * are not asked for (https://protobuf.dev/programming-guides/encoding/). A message is a run of
 * fields; each is a tag (field number << 3 | wire type) and a value, and a length-delimited value
 * (strings, bytes, sub-messages, packed lists) can be stepped over in O(1). That is what makes
 * reading a model's outline cheap: a 500-tree forest keeps ~9 MB in one node's attributes.
 */
export interface WireField {
  number: number;
  wireType: number;
  /** Offset of the tag: bytes[start, end) is the whole field, ready to copy as it is. */
  start: number;
  /** Offset of the value (after the length, for a length-delimited one). */
  valueStart: number;
  end: number;
}

export const VARINT = 0;
export const LENGTH_DELIMITED = 2;

/** A field's tag: its number and wire type, as written before its value. */
export const tag = (number: number, wireType: number): number => (number << 3) | wireType;

/** The fields of the message in bytes[start, end), in order. Throws on malformed input. */
export function wireFields(bytes: Uint8Array, start = 0, end = bytes.length): WireField[] {
  const reader = protobuf.Reader.create(bytes);
  reader.pos = start;
  reader.len = end;
  const fields: WireField[] = [];
  while (reader.pos < end) {
    const fieldStart = reader.pos;
    const tag = reader.uint32();
    const number = tag >>> 3;
    const wireType = tag & 7;
    if (number === 0) throw new Error(`field number 0 at offset ${fieldStart}`);
    let valueStart = reader.pos;
    if (wireType === LENGTH_DELIMITED) {
      const length = reader.uint32();
      valueStart = reader.pos;
      if (valueStart + length > end)
        throw new Error(`field ${number} at offset ${fieldStart} runs past the end of its message`);
      reader.pos = valueStart + length;
    } else {
      reader.skipType(wireType);
    }
    fields.push({ number, wireType, start: fieldStart, valueStart, end: reader.pos });
  }
  return fields;
}

/** The fields of a sub-message field. */
export const subFields = (bytes: Uint8Array, field: WireField): WireField[] =>
  wireFields(bytes, lengthDelimitedValue(field), field.end);

/** A string field's value (UTF-8). */
export const textOf = (bytes: Uint8Array, field: WireField): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset + lengthDelimitedValue(field), field.end - field.valueStart).toString(
    'utf8',
  );

/** Where the value of a field that must be length-delimited starts; a field of another wire type is malformed input here. */
function lengthDelimitedValue(field: WireField): number {
  if (field.wireType !== LENGTH_DELIMITED)
    throw new Error(
      `field ${field.number} at offset ${field.start} has wire type ${field.wireType}, expected a length-delimited value`,
    );
  return field.valueStart;
}

/** Every varint in a repeated integer field, packed (one length-delimited run) or not. */
export function varintsOf(bytes: Uint8Array, field: WireField): number[] {
  if (field.wireType !== VARINT && field.wireType !== LENGTH_DELIMITED)
    throw new Error(
      `field ${field.number} at offset ${field.start} has wire type ${field.wireType}, expected integers`,
    );
  const reader = protobuf.Reader.create(bytes);
  reader.pos = field.valueStart;
  reader.len = field.end;
  const next = () => {
    // A Long where protobufjs found the long package (it depends on it), else a number.
    const value: unknown = reader.int64();
    return typeof value === 'number' ? value : (value as { toNumber(): number }).toNumber();
  };
  if (field.wireType !== LENGTH_DELIMITED) return [next()];
  const values: number[] = [];
  while (reader.pos < field.end) values.push(next());
  return values;
}

/** A sub-message field built from its parts, each a complete encoded field. */
export function lengthDelimited(number: number, parts: Uint8Array[]): Uint8Array {
  const value = Buffer.concat(parts);
  const head = protobuf.Writer.create().uint32(tag(number, LENGTH_DELIMITED)).uint32(value.length).finish();
  return Buffer.concat([head, value]);
}
