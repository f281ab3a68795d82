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

/** Serialise an entry; throws (e.g. on a cyclic body) — the logger counts that as a drop. */
export function serializeEntry(entry: PayloadEntry, now: Date): SerializedEntry {
  const timestamp = entry.timestamp ?? now.toISOString();
  const version = entry.version === undefined ? '' : String(entry.version);
  const requestJson = JSON.stringify(entry.request, payloadReplacer) ?? 'null';
  const responseJson = JSON.stringify(entry.response, payloadReplacer) ?? 'null';
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
  return { requestId: entry.requestId, model: entry.model, version, timestamp, requestJson, responseJson, line, bytes: Buffer.byteLength(line) };
}
