/**
 * What one logged inference looks like, and its JSON serialisation. Serialising happens inside
 * `log()` (synchronously, microseconds for typical bodies) so the queue holds immutable strings:
 * its memory bound is exact in bytes, and a caller reusing a buffer after the reply cannot
 * change what gets written.
 */

export interface PayloadEntry {
  requestId: string;
  model: string;
  version?: string | number;
  /** ISO 8601; the time of logging when absent. */
  timestamp?: string;
  /** The decoded request body (or the tensors), and what was sent back. */
  request: unknown;
  response: unknown;
  /** HTTP status of the reply, when logging errors too. */
  status?: number;
  latencyMs?: number;
}

/** An entry serialised once, for every sink. */
export interface SerializedEntry {
  requestId: string;
  model: string;
  version: string;
  timestamp: string;
  /** JSON of the request and response alone (CloudEvents `data`). */
  requestJson: string;
  responseJson: string;
  /** The JSON line written to disk, newline included, and its size in UTF-8 bytes. */
  line: string;
  bytes: number;
}

/**
 * JSON.stringify replacer for what tensors carry: typed arrays become arrays, bigints (INT64
 * tensors) numbers when exact and strings otherwise — JSON has neither.
 */
export function payloadReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const array = value as unknown as ArrayLike<number | bigint>;
    return Array.from(array, (item) => (typeof item === 'bigint' ? payloadReplacer('', item) : item));
  }
  return value;
}

/**
 * True when a value holds something plain JSON.stringify gets wrong (a typed array, a bigint).
 * Checking first is cheaper than a replacer, which JSON.stringify calls for every single value.
 */
function needsReplacer(value: unknown, depth = 0): boolean {
  if (typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || depth > 64) return true;
  if (Array.isArray(value)) {
    for (const item of value)
      if (typeof item === 'object' || typeof item === 'bigint' ? needsReplacer(item, depth + 1) : false) return true;
    return false;
  }
  for (const key in value) if (needsReplacer((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

function toJson(value: unknown): string {
  return (needsReplacer(value) ? JSON.stringify(value, payloadReplacer) : JSON.stringify(value)) ?? 'null';
}

/** Serialise an entry; throws (e.g. on a cyclic body) — the logger counts that as a drop. */
export function serializeEntry(entry: PayloadEntry, now: Date): SerializedEntry {
  const timestamp = entry.timestamp ?? now.toISOString();
  const version = entry.version === undefined ? '' : String(entry.version);
  const requestJson = toJson(entry.request);
  const responseJson = toJson(entry.response);
  // Built by hand around the two bodies so each is stringified exactly once.
  const head = JSON.stringify({
    request_id: entry.requestId,
    model: entry.model,
    version,
    timestamp,
    ...(entry.status === undefined ? {} : { status: entry.status }),
    ...(entry.latencyMs === undefined ? {} : { latency_ms: entry.latencyMs }),
  });
  const line = `${head.slice(0, -1)},"request":${requestJson},"response":${responseJson}}\n`;
  return {
    requestId: entry.requestId,
    model: entry.model,
    version,
    timestamp,
    requestJson,
    responseJson,
    line,
    bytes: Buffer.byteLength(line),
  };
}
