import { errors } from '../core/errors.js';

/**
 * The binary tensor data extension of OIP v2 REST (Triton's extension_binary_data.md): a body is a
 * JSON object, optionally followed by tensor bytes. `Inference-Header-Content-Length` gives the
 * JSON's length in bytes; each binary input's `parameters.binary_data_size` gives its share of the
 * bytes that follow, in the order of `inputs`. Pure: headers arrive as strings, bytes as Buffers.
 * Every size is checked against what the body really holds before anything is sliced or allocated.
 */

/** The header's name as HTTP carries it (lower-case, as node presents request headers). */
export const headerLengthHeader = 'inference-header-content-length';

export interface SplitBody {
  json: Buffer;
  /** What follows the JSON; undefined when the request gave no header length (a JSON-only body). */
  binary?: Buffer;
}

/** Splits a body at `Inference-Header-Content-Length` (absent: the whole body is JSON). No copy. */
export function splitBinaryBody(body: Buffer, headerLength: string | string[] | undefined): SplitBody {
  if (headerLength === undefined) return { json: body };
  // A repeated header arrives as an array (or joined with commas): neither is a length.
  const text = Array.isArray(headerLength) ? headerLength.join(',') : headerLength.trim();
  const length = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!(length >= 1 && length <= body.length)) throw errors.badHeaderLength(text, body.length);
  return { json: body.subarray(0, length), binary: body.subarray(length) };
}

/** Hands out each binary input's bytes in order; `finish` refuses bytes no input accounted for. */
export class BinarySection {
  #offset = 0;

  constructor(private readonly bytes: Buffer | undefined) {}

  /** The next `size` bytes (a view, no copy) for input `name`; `size` as the JSON gave it. */
  take(name: string, size: unknown): Buffer {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw errors.badBinarySize(name, JSON.stringify(size) ?? String(size));
    if (this.bytes === undefined) throw errors.binaryWithoutHeader(name);
    const left = this.bytes.length - this.#offset;
    if (size > left) throw errors.binaryPastEnd(name, size, left);
    const taken = this.bytes.subarray(this.#offset, this.#offset + size);
    this.#offset += size;
    return taken;
  }

  finish(): void {
    const left = (this.bytes?.length ?? 0) - this.#offset;
    if (left > 0) throw errors.binaryLeftOver(left);
  }
}

/**
 * Which outputs answer as binary: an output's own `parameters.binary_data` when it names one,
 * else the request's `parameters.binary_data_output` (default false, JSON), as the extension says.
 */
export interface BinaryOutputs {
  all: boolean;
  /** Per-output choices, only when some output named one. */
  byName?: Map<string, boolean>;
}

export const noBinaryOutputs: BinaryOutputs = { all: false };

export function isBinaryOutput(choice: BinaryOutputs, name: string): boolean {
  return choice.byName?.get(name) ?? choice.all;
}
