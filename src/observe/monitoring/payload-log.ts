/**
 * Payload logging for the server (opt-in: berth.yaml `monitoring.payloadLog`): each inference
 * event becomes one sampled PayloadLogger entry — request id, model, version, the request's
 * tensors and the response (or the error) — and the logger's counters become Prometheus counters,
 * brought up to date whenever /metrics is scraped.
 */
import type { Settings } from '../../core/config.js';
import type { InferenceEvent } from '../../core/inference.js';
import type { Metrics } from '../metrics.js';
import { PayloadLogger, type PayloadLogCounters } from '../payload-log/payload-logger.js';

type Incrementable = { inc(labels: Record<string, string>, value: number): void };

export class ServerPayloadLog {
  readonly logger: PayloadLogger;
  private readonly metrics: Metrics;
  private last: PayloadLogCounters;

  constructor(settings: Settings['monitoring']['payloadLog'], metrics: Metrics) {
    this.logger = new PayloadLogger({
      dir: settings.dir === '' ? null : settings.dir,
      sampleRate: settings.sampleRate,
      maxFileBytes: settings.maxFileBytes,
      maxTotalBytes: settings.maxTotalBytes,
      maxQueueBytes: settings.maxQueueBytes,
      sink:
        settings.sinkUrl === ''
          ? null
          : {
              url: settings.sinkUrl,
              mode: settings.sinkMode as 'binary' | 'structured',
              eventTypes: settings.sinkEventTypes as 'kserve' | 'berth',
              timeoutMs: settings.sinkTimeoutMs,
              maxInFlight: settings.sinkMaxInFlight,
              maxPending: settings.sinkMaxPending,
              backoffMs: settings.sinkBackoffMs,
            },
    });
    this.metrics = metrics;
    this.last = this.logger.counters();
    metrics.collectHooks.payloadLog = () => this.syncMetrics();
  }

  /** Synchronous, never throws, never waits (PayloadLogger.log's contract). */
  log(event: InferenceEvent): void {
    const { request } = event;
    this.logger.log({
      requestId: event.requestId ?? request.id ?? '',
      model: event.model,
      version: event.version,
      request: {
        ...(request.id === undefined ? {} : { id: request.id }),
        inputs: request.inputs,
        ...(request.outputs ? { outputs: request.outputs } : {}),
        ...(request.parameters ? { parameters: request.parameters } : {}),
      },
      response: event.response ?? { error: event.error instanceof Error ? event.error.message : String(event.error) },
      ...(event.error === undefined ? {} : { status: (event.error as { status?: number }).status ?? 500 }),
      latencyMs: Math.round(event.seconds * 1e6) / 1e3,
    });
  }

  /** Counters only grow: add what happened since the last scrape. */
  syncMetrics(): void {
    const now = this.logger.counters();
    const delta = (key: keyof PayloadLogCounters) => now[key] - this.last[key];
    const { payloadLogEntries: entries, payloadLogSinkEvents: sink } = this.metrics;
    const add = (counter: Incrementable, value: number, labels: Record<string, string> = {}) => {
      if (value > 0) counter.inc(labels, value);
    };
    add(entries, delta('written'), { outcome: 'written' });
    add(entries, delta('dropped'), { outcome: 'dropped' });
    add(entries, delta('sampledOut'), { outcome: 'sampled_out' });
    add(entries, delta('unserializable'), { outcome: 'unserializable' });
    add(this.metrics.payloadLogBytes, delta('writtenBytes'));
    add(this.metrics.payloadLogRotations, delta('rotated'));
    add(this.metrics.payloadLogDeletedFiles, delta('deleted'));
    add(this.metrics.payloadLogWriteErrors, delta('writeErrors'));
    add(sink, delta('sinkSent'), { outcome: 'sent' });
    add(sink, delta('sinkFailed'), { outcome: 'failed' });
    add(sink, delta('sinkDropped'), { outcome: 'dropped' });
    this.last = now;
  }

  async close(): Promise<void> {
    await this.logger.close();
    this.syncMetrics();
    if (this.metrics.collectHooks.payloadLog) delete this.metrics.collectHooks.payloadLog;
  }
}
