import { endianness } from 'node:os';
import { errors } from '../core/errors.js';
import { allocate, datatypeInfo, elementCount, type Datatype, type Tensor, type TensorData } from '../core/tensor.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../runtime/float16.js';

/**
 * Raw tensor bytes, one layout for both wire forms that carry them: gRPC `raw_input_contents` /
 * `raw_output_contents` (OIP v2, proto/open_inference_grpc.proto: "the flattened, one-dimensional,
 * row-major order of the tensor elements without any stride or padding", little-endian) and the
 * REST binary tensor data extension (Triton's extension_binary_data.md: "little-endian byte order,
 * row major, without stride or padding"; BOOL is one byte, 0 or 1). FP16 is IEEE half precision.
 * BYTES has no fixed size: each element is a 4-byte little-endian length followed by that many
 * bytes — Triton's layout (tritonclient.utils.serialize_byte_tensor), which its and
 * KServe's clients send. Berth's BYTES tensors are strings, so elements must be valid UTF-8.
 */

const bigEndianHost = endianness() === 'BE';
const utf8 = new TextDecoder('utf-8', { fatal: true });

type NumericArray = Exclude<TensorData, string[]>;

/** Decodes one input's raw bytes into tensor data of `datatype` and `shape` (a copy: the bytes may sit unaligned in a larger buffer). */
export function rawToData(raw: Uint8Array, datatype: Datatype, shape: readonly number[], name: string): TensorData {
  const count = elementCount(shape);
  if (datatype === 'BYTES') return decodeByteElements(raw, count, name);
  const width = datatypeInfo(datatype).bytes;
  const expected = count * width;
  if (raw.byteLength !== expected) throw errors.rawSizeMismatch(name, datatype, [...shape], expected, raw.byteLength);
  if (datatype === 'FP16') return float16BitsToFloat32(new Uint16Array(alignedCopy(raw, width)));
  const out = allocate(datatype, count) as NumericArray;
  const bytes = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  bytes.set(raw);
  if (bigEndianHost) swapped(bytes, width);
  if (datatype === 'BOOL') {
    for (let i = 0; i < bytes.length; i++)
      if (bytes[i]! > 1) throw errors.badValue(name, i, 'a BOOL byte, 0 or 1', String(bytes[i]));
  }
  return out;
}

/** Encodes a tensor's data as raw bytes (zero-copy view for numeric tensors on little-endian hosts). */
export function dataToRaw(tensor: Pick<Tensor, 'datatype' | 'data'>): Uint8Array {
  const { datatype, data } = tensor;
  if (datatype === 'BYTES') return encodeByteElements(data as string[]);
  const numeric = datatype === 'FP16' ? float32ToFloat16Bits(data as Float32Array) : (data as NumericArray);
  const view = Buffer.from(numeric.buffer, numeric.byteOffset, numeric.byteLength);
  return bigEndianHost ? swapped(Buffer.from(view), numeric.BYTES_PER_ELEMENT) : view;
}

function decodeByteElements(raw: Uint8Array, count: number, name: string): string[] {
  // Every element costs at least its 4-byte prefix: refuse before allocating for a huge shape.
  if (count * 4 > raw.byteLength)
    throw errors.badRawBytes(name, `${raw.byteLength} bytes cannot hold ${count} elements`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Array<string>(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > raw.byteLength)
      throw errors.badRawBytes(name, `element ${i} has no length prefix (the bytes end at ${raw.byteLength})`);
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > raw.byteLength)
      throw errors.badRawBytes(name, `element ${i} says ${length} bytes but only ${raw.byteLength - offset} remain`);
    try {
      out[i] = utf8.decode(raw.subarray(offset, offset + length));
    } catch {
      throw errors.badValue(name, i, 'valid UTF-8 text', `${length} bytes that are not`);
    }
    offset += length;
  }
  if (offset !== raw.byteLength)
    throw errors.badRawBytes(name, `${raw.byteLength - offset} bytes left over after ${count} elements`);
  return out;
}

function encodeByteElements(values: readonly string[]): Uint8Array {
  const encoded = values.map((value) => Buffer.from(value, 'utf8'));
  const out = Buffer.allocUnsafe(encoded.reduce((total, bytes) => total + 4 + bytes.length, 0));
  let offset = 0;
  for (const bytes of encoded) {
    offset = out.writeUInt32LE(bytes.length, offset);
    offset += bytes.copy(out, offset);
  }
  return out;
}

function alignedCopy(raw: Uint8Array, width: number): ArrayBuffer {
  const copy = new Uint8Array(raw); // its own ArrayBuffer, offset 0
  if (bigEndianHost) swapped(Buffer.from(copy.buffer), width);
  return copy.buffer;
}

function swapped(bytes: Buffer, width: number): Buffer {
  if (width === 2) bytes.swap16();
  else if (width === 4) bytes.swap32();
  else if (width === 8) bytes.swap64();
  return bytes;
}
