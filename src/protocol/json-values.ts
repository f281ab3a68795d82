import { errors } from '../core/errors.js';
import { allocate, datatypeInfo, type Datatype, type TensorData } from '../core/tensor.js';

/**
 * Flattens row-major nested JSON arrays (OIP v2 allows flat or nested `data`) without recursion,
 * so a hostile `[[[[…]]]]` cannot exhaust the stack; depth is capped by `maxDepth`. Nested data
 * must have the structure of `shape` (each level as long as its dimension, values only at the
 * last), else `[[1,2,3],[4]]` would pass as a [2,2] tensor.
 */
export function flatten(
  value: unknown,
  where: string,
  maxDepth: number,
  shape?: readonly number[],
  name = where,
): unknown[] {
  if (!Array.isArray(value)) return [value];
  let flat = true;
  for (let i = 0; i < value.length; i++) {
    if (Array.isArray(value[i])) {
      flat = false;
      break;
    }
  }
  if (flat) return value;
  const level = (depth: number, array: unknown[]) => {
    if (shape && (depth >= shape.length || array.length !== shape[depth])) {
      throw errors.nestedDataShape(
        name,
        `level ${depth + 1}`,
        depth >= shape.length
          ? `a value, not an array (the shape has ${shape.length} dimensions)`
          : `${shape[depth]} long (shape [${shape.join(',')}]), not ${array.length}`,
      );
    }
  };
  level(0, value);
  const out: unknown[] = [];
  const stack: Array<{ array: unknown[]; index: number }> = [{ array: value, index: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.index >= top.array.length) {
      stack.pop();
      continue;
    }
    const item = top.array[top.index++];
    if (Array.isArray(item)) {
      if (stack.length >= maxDepth) throw errors.tooDeep(where, maxDepth);
      level(stack.length, item);
      stack.push({ array: item, index: 0 });
    } else {
      if (shape && stack.length !== shape.length)
        throw errors.nestedDataShape(
          name,
          `level ${stack.length}`,
          `an array of ${shape[stack.length]} values (shape [${shape.join(',')}]), not a value`,
        );
      out.push(item);
    }
  }
  return out;
}

const floatTokens: Record<string, number> = {
  NaN: NaN,
  nan: NaN,
  Infinity: Infinity,
  inf: Infinity,
  '-Infinity': -Infinity,
  '-inf': -Infinity,
};

const describe = (value: unknown) =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'string'
        ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
        : typeof value === 'object'
          ? 'an object'
          : String(value);

function badValue(
  values: readonly unknown[],
  index: number,
  name: string,
  where: ((index: number) => string) | undefined,
  expected: string,
) {
  return where
    ? errors.badCell(where(index), expected, describe(values[index]))
    : errors.badValue(name, index, expected, describe(values[index]));
}

/**
 * Converts JSON values to a typed array of `datatype`, checking every element: integers must be
 * whole and in range, floats numbers (or the tokens "NaN"/"Infinity", which JSON cannot spell and
 * OIP clients send as strings; null is NaN, a missing value), BOOL true/false, BYTES strings.
 * Whether a float may be NaN or infinite is the model's question: the request builder answers it
 * for every dialect. `where` names a value in messages (rows name the feature and row).
 */
export function toTypedData(
  values: readonly unknown[],
  datatype: Datatype,
  name: string,
  where?: (index: number) => string,
): TensorData {
  const info = datatypeInfo(datatype);
  const out = allocate(datatype, values.length);
  switch (info.json) {
    case 'float': {
      const target = out as Float32Array | Float64Array;
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (typeof value === 'number') target[i] = value;
        else if (value === null) target[i] = NaN;
        else if (typeof value === 'string' && value in floatTokens) target[i] = floatTokens[value]!;
        else throw badValue(values, i, name, where, 'a number');
      }
      return out;
    }
    case 'int':
    case 'uint': {
      const target = out as Int32Array;
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (typeof value !== 'number' || !Number.isInteger(value) || value < info.min! || value > info.max!)
          throw badValue(values, i, name, where, `an integer from ${info.min} to ${info.max}`);
        target[i] = value;
      }
      return out;
    }
    case 'bigint':
    case 'biguint': {
      const target = out as BigInt64Array | BigUint64Array;
      const [min, max] = info.json === 'bigint' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
      for (let i = 0; i < values.length; i++) {
        const value = values[i];
        let big: bigint | undefined;
        if (typeof value === 'number' && Number.isSafeInteger(value)) big = BigInt(value);
        else if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) big = BigInt(value);
        if (big === undefined || big < min || big > max)
          throw badValue(values, i, name, where, `a ${info.json === 'bigint' ? '' : 'non-negative '}64-bit integer`);
        target[i] = big;
      }
      return out;
    }
    case 'bool': {
      const target = out as Uint8Array;
      for (let i = 0; i < values.length; i++) {
        if (typeof values[i] !== 'boolean') throw badValue(values, i, name, where, 'true or false');
        target[i] = values[i] ? 1 : 0;
      }
      return out;
    }
    case 'string': {
      const target = out as string[];
      for (let i = 0; i < values.length; i++) {
        if (typeof values[i] !== 'string') throw badValue(values, i, name, where, 'a string');
        target[i] = values[i] as string;
      }
      return out;
    }
  }
}
