/**
 * Opt-in, sampled payload logging: every sampled inference is serialised once and handed to a
 * rotating JSON-lines file and/or a CloudEvents HTTP sink. `log()` is synchronous, never throws
 * and never waits for I/O — logging cannot slow or fail a request; whatever does not fit the
 * bounded queues is dropped and counted (the counters feed Prometheus).
 */
import { defaults } from '../../core/defaults.js';
import { errors } from '../../core/errors.js';
import type { EventFlavour, EventMode } from './cloudevents.js';
import { serializeEntry, type PayloadEntry } from './entry.js';
import { HttpEventSink } from './http-sink.js';
import { RotatingFileWriter } from './rotating-file.js';

export interface PayloadLoggerOptions {
  /** Directory of the JSON-lines files; null for no file (sink only). */
  dir?: string | null;
  baseName?: string;
  /** Share of inferences logged, 0–1. */
  sampleRate?: number;
  maxFileBytes?: number;
  maxTotalBytes?: number;
  maxQueueBytes?: number;
  sink?: {
    url: string;
    mode?: EventMode;
    eventTypes?: EventFlavour;
    timeoutMs?: number;
    maxInFlight?: number;
    maxPending?: number;
    backoffMs?: number;
    source?: string;
    fetch?: typeof fetch;
  } | null;
  /** Injectable for tests. */
  random?: () => number;
  now?: () => number;
  errorBackoffMs?: number;
}

export interface PayloadLogCounters {
  /** Inferences offered to log() that were sampled in, and those sampled out. */
  logged: number;
  sampledOut: number;
  /** Entries that could not be serialised (e.g. a cyclic body). */
  unserializable: number;
  written: number;
  writtenBytes: number;
  dropped: number;
  rotated: number;
  deleted: number;
  writeErrors: number;
  sinkSent: number;
  sinkFailed: number;
  sinkDropped: number;
}

export class PayloadLogger {
  private readonly sampleRate: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly file: RotatingFileWriter | null;
  private readonly sink: HttpEventSink | null;
  private logged = 0;
  private sampledOut = 0;
  private unserializable = 0;

  constructor(options: PayloadLoggerOptions = {}) {
    const settings = defaults.monitoring.payloadLog;
    this.sampleRate = options.sampleRate ?? settings.sampleRate;
    if (!(this.sampleRate >= 0 && this.sampleRate <= 1))
      throw errors.badMonitoringSetting(
        'monitoring.payloadLog.sampleRate',
        `must be between 0 and 1, got ${this.sampleRate}`,
      );
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    const dir = options.dir === undefined ? settings.dir : options.dir;
    this.file = dir
      ? new RotatingFileWriter({
          dir,
          baseName: options.baseName ?? 'payloads',
          maxFileBytes: options.maxFileBytes ?? settings.maxFileBytes,
          maxTotalBytes: options.maxTotalBytes ?? settings.maxTotalBytes,
          maxQueueBytes: options.maxQueueBytes ?? settings.maxQueueBytes,
          ...(options.errorBackoffMs === undefined ? {} : { errorBackoffMs: options.errorBackoffMs }),
        })
      : null;
    const sink = options.sink;
    this.sink = sink?.url
      ? new HttpEventSink({
          url: sink.url,
          mode: sink.mode ?? settings.sinkMode,
          eventTypes: sink.eventTypes ?? settings.sinkEventTypes,
          timeoutMs: sink.timeoutMs ?? settings.sinkTimeoutMs,
          maxInFlight: sink.maxInFlight ?? settings.sinkMaxInFlight,
          maxPending: sink.maxPending ?? settings.sinkMaxPending,
          backoffMs: sink.backoffMs ?? settings.sinkBackoffMs,
          now: this.now,
          ...(sink.source ? { source: sink.source } : {}),
          ...(sink.fetch ? { fetch: sink.fetch } : {}),
        })
      : null;
  }

  /** Log one inference if sampled. Returns true when at least one destination accepted it. */
  log(entry: PayloadEntry): boolean {
    try {
      if (this.sampleRate < 1 && !(this.random() < this.sampleRate)) {
        this.sampledOut++;
        return false;
      }
      this.logged++;
      let serialized;
      try {
        serialized = serializeEntry(entry, new Date(this.now()));
      } catch {
        this.unserializable++;
        return false;
      }
      const toFile = this.file ? this.file.enqueue(serialized.line, serialized.bytes) : false;
      const toSink = this.sink ? this.sink.send(serialized) > 0 : false;
      return toFile || toSink;
    } catch {
      // Belt and braces: nothing in here should throw, and nothing may reach the request.
      this.unserializable++;
      return false;
    }
  }

  counters(): PayloadLogCounters {
    const file = this.file?.counters;
    const sink = this.sink?.counters;
    return {
      logged: this.logged,
      sampledOut: this.sampledOut,
      unserializable: this.unserializable,
      written: file?.written ?? 0,
      writtenBytes: file?.writtenBytes ?? 0,
      dropped: file?.dropped ?? 0,
      rotated: file?.rotated ?? 0,
      deleted: file?.deleted ?? 0,
      writeErrors: file?.errors ?? 0,
      sinkSent: sink?.sent ?? 0,
      sinkFailed: sink?.failed ?? 0,
      sinkDropped: sink?.dropped ?? 0,
    };
  }

  /** Wait until everything logged so far is on disk and posted (or dropped). */
  async flush(): Promise<void> {
    await Promise.all([this.file?.flush(), this.sink?.flush()]);
  }

  /** Stop accepting entries, finish writing, and wait for posts in flight. */
  async close(): Promise<void> {
    await Promise.all([this.file?.close(), this.sink?.close()]);
  }
}
