/**
 * Posts logged inferences to an HTTP endpoint as CloudEvents (see cloudevents.ts). Bounded in
 * every direction: at most maxInFlight posts at once, at most maxPending events waiting, each
 * post cut off after timeoutMs, and no retries — after a failure the sink drops (and counts)
 * for backoffMs instead of queueing more timeouts behind a dead endpoint. `send()` never
 * throws and never waits.
 */
import { httpEvent, type EventFlavour, type EventKind, type EventMode } from './cloudevents.js';
import type { SerializedEntry } from './entry.js';

export interface HttpSinkOptions {
  url: string;
  mode: EventMode;
  eventTypes: EventFlavour;
  timeoutMs: number;
  maxInFlight: number;
  maxPending: number;
  backoffMs: number;
  source?: string;
  /** Injectable for tests; the global fetch (undici) otherwise. */
  fetch?: typeof fetch;
  now?: () => number;
}

export interface HttpSinkCounters {
  sent: number;
  failed: number;
  dropped: number;
}

interface QueuedEvent {
  entry: SerializedEntry;
  kind: EventKind;
}

export class HttpEventSink {
  readonly counters: HttpSinkCounters = { sent: 0, failed: 0, dropped: 0 };
  private readonly options: HttpSinkOptions;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly waiting: QueuedEvent[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private pausedUntil = 0;
  private closed = false;

  constructor(options: HttpSinkOptions) {
    this.options = options;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
  }

  /** Queue the request and response events of one entry; returns how many were accepted. */
  send(entry: SerializedEntry): number {
    let accepted = 0;
    for (const kind of ['request', 'response'] as const) {
      if (this.closed || this.now() < this.pausedUntil || this.waiting.length >= this.options.maxPending) {
        this.counters.dropped++;
        continue;
      }
      this.waiting.push({ entry, kind });
      accepted++;
    }
    this.startMore();
    return accepted;
  }

  /** Wait for posts in flight (each is bounded by timeoutMs); nothing new is accepted. */
  async close(): Promise<void> {
    this.closed = true;
    this.counters.dropped += this.waiting.length;
    this.waiting.length = 0;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves when nothing is waiting or in flight (tests, graceful drain). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private startMore(): void {
    while (this.inFlight.size < this.options.maxInFlight && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      const post = this.post(next).finally(() => {
        this.inFlight.delete(post);
        this.startMore();
      });
      this.inFlight.add(post);
    }
  }

  private async post({ entry, kind }: QueuedEvent): Promise<void> {
    if (this.now() < this.pausedUntil) {
      this.counters.dropped++;
      return;
    }
    const message = httpEvent(
      {
        kind,
        requestId: entry.requestId,
        model: entry.model,
        version: entry.version,
        time: entry.timestamp,
        dataJson: kind === 'request' ? entry.requestJson : entry.responseJson,
        ...(this.options.source ? { source: this.options.source } : {}),
      },
      this.options.eventTypes,
      this.options.mode,
    );
    try {
      const response = await this.fetch(this.options.url, {
        method: 'POST',
        headers: message.headers,
        body: message.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      // Release the connection without reading a body nobody needs.
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) this.counters.sent++;
      else this.fail();
    } catch {
      this.fail();
    }
  }

  private fail(): void {
    this.counters.failed++;
    this.pausedUntil = this.now() + this.options.backoffMs;
  }
}
