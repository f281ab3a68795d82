import { errors } from '../core/errors.js';
import type { Datatype, Tensor, TensorData } from '../core/tensor.js';
import { toTypedData } from './json-values.js';
import type { WireContents } from './grpc-wire.js';

/**
 * Typed tensor contents (OIP v2 gRPC `InferTensorContents`): one repeated field per family of
 * datatypes. INT8/INT16 travel in int_contents and UINT8/UINT16 in uint_contents, range-checked on
 * the way in. FP16 (and BF16) have no field: "must be represented as raw content".
 */
export const contentsField: Record<Exclude<Datatype, 'FP16'>, keyof WireContents> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Tensor data from typed contents; the element count is checked against the shape later (validateRequest). */
export function contentsToData(
  contents: WireContents | null | undefined,
  datatype: Datatype,
  name: string,
): TensorData {
  if (datatype === 'FP16') throw errors.fp16NeedsRaw(name);
  const field = contentsField[datatype];
  const given = contents
    ? (Object.keys(contents) as Array<keyof WireContents>).filter((key) => (contents[key]?.length ?? 0) > 0)
    : [];
  const stray = given.find((key) => key !== field);
  if (stray) throw errors.wrongContentsField(name, datatype, field, stray);
  const values: readonly unknown[] = contents?.[field] ?? [];
  if (datatype === 'BYTES') return (values as Uint8Array[]).map((bytes, index) => decodeUtf8(bytes, name, index));
  // Same element checks as the REST dialect: integer ranges for INT8/16 and UINT8/16, exact 64-bit values.
  return toTypedData(values, datatype, name);
}

/** Typed contents for an output tensor; FP16 has none, so FP16 outputs are always sent raw. */
export function dataToContents(tensor: Pick<Tensor, 'datatype' | 'data'>): WireContents {
  const { datatype, data } = tensor;
  if (datatype === 'FP16') throw new Error('FP16 has no typed contents field; encode the response raw');
  const field = contentsField[datatype];
  if (datatype === 'BOOL') return { [field]: Array.from(data as Uint8Array, (value) => value !== 0) };
  if (datatype === 'BYTES') return { [field]: (data as string[]).map((value) => Buffer.from(value, 'utf8')) };
  // Decimal strings keep 64-bit integers exact through protobufjs.
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return { [field]: Array.from(data, String) };
  return { [field]: Array.from(data as ArrayLike<number>) };
}

function decodeUtf8(bytes: Uint8Array, name: string, index: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw errors.badValue(name, index, 'valid UTF-8 text', `${bytes.length} bytes that are not`);
  }
}
