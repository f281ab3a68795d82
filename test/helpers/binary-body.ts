/**
 * OIP v2 REST bodies with binary tensors, written independently of Berth's codec (DataView and
 * Triton's BYTES layout, as tritonclient's serialize_byte_tensor writes them), for the tests.
 */
const widths: Record<string, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
};

/** Little-endian bytes of `values` as `datatype` (FP16 values must be exactly representable). */
export function tensorBytes(datatype: string, values: unknown[]): Buffer {
  if (datatype === 'BYTES')
    return Buffer.concat(
      values.map((value) => {
        const bytes = Buffer.from(String(value), 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32LE(bytes.length);
        return Buffer.concat([length, bytes]);
      }),
    );
  const width = widths[datatype]!;
  const view = new DataView(new ArrayBuffer(values.length * width));
  values.forEach((value, i) => {
    const at = i * width;
    const number = Number(value);
    switch (datatype) {
      case 'BOOL':
        return view.setUint8(at, value ? 1 : 0);
      case 'UINT8':
        return view.setUint8(at, number);
      case 'INT8':
        return view.setInt8(at, number);
      case 'UINT16':
        return view.setUint16(at, number, true);
      case 'INT16':
        return view.setInt16(at, number, true);
      case 'FP16':
        return view.setUint16(at, halfBits(number), true);
      case 'UINT32':
        return view.setUint32(at, number, true);
      case 'INT32':
        return view.setInt32(at, number, true);
      case 'FP32':
        return view.setFloat32(at, number, true);
      case 'UINT64':
        return view.setBigUint64(at, BigInt(value as number), true);
      case 'INT64':
        return view.setBigInt64(at, BigInt(value as number), true);
      default:
        return view.setFloat64(at, number, true);
    }
  });
  return Buffer.from(view.buffer);
}

/** Values back from little-endian bytes (64-bit integers as numbers when exact, else strings). */
export function tensorValues(datatype: string, bytes: Buffer): unknown[] {
  const out: unknown[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (datatype === 'BYTES') {
    for (let at = 0; at < bytes.length;) {
      const length = view.getUint32(at, true);
      out.push(bytes.subarray(at + 4, at + 4 + length).toString('utf8'));
      at += 4 + length;
    }
    return out;
  }
  const width = widths[datatype]!;
  const big = (value: bigint) => (Number.isSafeInteger(Number(value)) ? Number(value) : String(value));
  for (let at = 0; at < bytes.length; at += width) {
    switch (datatype) {
      case 'BOOL':
        out.push(view.getUint8(at) === 1);
        break;
      case 'UINT8':
        out.push(view.getUint8(at));
        break;
      case 'INT8':
        out.push(view.getInt8(at));
        break;
      case 'UINT16':
        out.push(view.getUint16(at, true));
        break;
      case 'INT16':
        out.push(view.getInt16(at, true));
        break;
      case 'FP16':
        out.push(fromHalfBits(view.getUint16(at, true)));
        break;
      case 'UINT32':
        out.push(view.getUint32(at, true));
        break;
      case 'INT32':
        out.push(view.getInt32(at, true));
        break;
      case 'FP32':
        out.push(view.getFloat32(at, true));
        break;
      case 'UINT64':
        out.push(big(view.getBigUint64(at, true)));
        break;
      case 'INT64':
        out.push(big(view.getBigInt64(at, true)));
        break;
      default:
        out.push(view.getFloat64(at, true));
    }
  }
  return out;
}

export interface BinaryInput {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
  /** false: send this one as JSON `data` in the same body. */
  binary?: boolean;
}

/** JSON header + tensor bytes, and the Inference-Header-Content-Length that splits them. */
export function binaryRequest(
  inputs: BinaryInput[],
  extra: Record<string, unknown> = {},
): { body: Buffer; headerLength: number } {
  const parts: Buffer[] = [];
  const json = {
    ...extra,
    inputs: inputs.map(({ name, datatype, shape, data, binary = true }) => {
      if (!binary) return { name, datatype, shape, data };
      const bytes = tensorBytes(datatype, data);
      parts.push(bytes);
      return { name, datatype, shape, parameters: { binary_data_size: bytes.length } };
    }),
  };
  const header = Buffer.from(JSON.stringify(json));
  return { body: Buffer.concat([header, ...parts]), headerLength: header.length };
}

/** A binary reply's outputs as {name, datatype, shape, data}, whichever form each came in. */
export function replyOutputs(
  body: Buffer,
  headerLength: string | undefined,
): Array<{ name: string; datatype: string; shape: number[]; data: unknown[]; binary: boolean }> {
  const length = headerLength === undefined ? body.length : Number(headerLength);
  const json = JSON.parse(body.subarray(0, length).toString('utf8')) as {
    outputs: Array<{
      name: string;
      datatype: string;
      shape: number[];
      data?: unknown[];
      parameters?: { binary_data_size?: number };
    }>;
  };
  let at = length;
  return json.outputs.map((output) => {
    const size = output.parameters?.binary_data_size;
    if (size === undefined)
      return { name: output.name, datatype: output.datatype, shape: output.shape, data: output.data!, binary: false };
    const data = tensorValues(output.datatype, body.subarray(at, at + size));
    at += size;
    return { name: output.name, datatype: output.datatype, shape: output.shape, data, binary: true };
  });
}

function halfBits(value: number): number {
  if (value === 0) return Object.is(value, -0) ? 0x8000 : 0;
  const sign = value < 0 ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  const exponent = Math.floor(Math.log2(magnitude));
  if (exponent < -14) return sign | Math.round(magnitude / 2 ** -24);
  return sign | ((exponent + 15) << 10) | Math.round((magnitude / 2 ** exponent - 1) * 1024);
}

function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
