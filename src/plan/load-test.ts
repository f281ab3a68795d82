import autocannon from 'autocannon';
import { defaults } from '../core/defaults.js';
import { LatencyRecorder, type LatencySummary } from './latency-stats.js';

/**
 * One load-test run with autocannon as a library.
 *
 * Fixed concurrency (closed loop): `connections` keep one request each in flight; throughput is
 * whatever the server gives back. Fixed rate (`rate`, open loop as far as autocannon allows):
 * autocannon's `overallRate` gives each connection a quota per second, and a connection sends its
 * quota back-to-back at the start of each second, waiting for each answer. Two consequences
 * (docs/plan.md "Fixed-rate caveat"):
 * - every connection's second starts at the same instant, so the load arrives as one burst per
 *   second. Berth runs `slices` instances started 1/slices s apart, each with 1/slices of the rate
 *   and of the connections, which spreads the burst over the second;
 * - a connection cannot send while it waits, so a slow server receives less than the offered rate
 *   (coordinated omission). The result reports the achieved rate; the capacity search rejects a
 *   step that achieved less than 95% of its offer. autocannon's own correction for this pads each
 *   sample with values Math.ceil(1 / rate) = 1 ms apart, which distorts the percentiles rather than
 *   fixing them, so it is turned off and every real response time is recorded instead.
 */
export interface LoadTestOptions {
  url: string;
  method?: string;
  /** A string is sent as JSON; a Buffer as it is (binary bodies: give the content type in headers). */
  body?: string | Buffer;
  headers?: Record<string, string>;
  connections?: number;
  durationSeconds?: number;
  /**
   * Stop after this many requests instead of after `durationSeconds` (autocannon's `amount`): a
   * run whose length is its work, not a time, as a smoke test needs on a machine of any speed.
   */
  requests?: number;
  /** Offered requests/s; absent = fixed concurrency. */
  rate?: number;
  timeoutSeconds?: number;
  slices?: number;
  onProgress?: (progress: LoadProgress) => void;
}

export interface LoadProgress {
  elapsedSeconds: number;
  durationSeconds: number;
  completed: number;
  errors: number;
}

export interface LoadTestResult {
  mode: 'fixed-concurrency' | 'fixed-rate';
  url: string;
  method: string;
  connections: number;
  durationSeconds: number;
  offeredRate?: number;
  requests: { completed: number; perSecond: number };
  latencyMs: LatencySummary;
  /** Connection errors and resets, timeouts not included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

/** Splits `total` into `parts` whole shares differing by at most one (autocannon's distributeNums). */
export function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const b = defaults.plan.bench;
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const duration = options.durationSeconds ?? b.durationSeconds;
  const connections = Math.max(1, Math.round(options.connections ?? b.connections));
  const rate = options.rate === undefined ? undefined : Math.max(1, Math.round(options.rate));
  const slices = rate === undefined ? 1 : Math.max(1, Math.min(options.slices ?? b.rateSlices, rate, connections));
  const headers = {
    ...(typeof options.body === 'string' ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  const recorder = new LatencyRecorder();
  const statusCodes: Record<string, number> = {};
  // Responses within the first `duration` seconds of each slice. autocannon stops at the first
  // 1 s sample tick after `duration`, so a run often spans one more quota second than asked;
  // counting only the asked-for window keeps the achieved rate comparable with the offered one.
  const inWindow = new Array<number>(slices).fill(0);
  let errors = 0;
  const started = Date.now();
  const report = () =>
    options.onProgress?.({
      elapsedSeconds: Math.min(duration, (Date.now() - started) / 1000),
      durationSeconds: duration,
      completed: recorder.count,
      errors,
    });
  const ticker = options.onProgress ? setInterval(report, 250) : undefined;

  const runSlice = async (index: number) => {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, (index * 1000) / slices));
    const sliceStart = Date.now();
    const instance = autocannon({
      url: options.url,
      method,
      body: options.body,
      headers,
      connections: share(connections, slices, index) || 1,
      duration,
      ...(options.requests !== undefined ? { amount: Math.max(1, share(options.requests, slices, index)) } : {}),
      timeout: options.timeoutSeconds ?? b.timeoutSeconds,
      ...(rate !== undefined ? { overallRate: share(rate, slices, index), ignoreCoordinatedOmission: true } : {}),
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      recorder.add(responseTime);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (options.requests !== undefined || Date.now() - sliceStart < duration * 1000) inWindow[index]! += 1;
    });
    instance.on('reqError', () => {
      errors += 1;
    });
    return await instance;
  };

  try {
    const finished = await Promise.all(Array.from({ length: slices }, (_, index) => runSlice(index)));
    // The last report is the final count, however short the run was.
    report();
    const timeouts = finished.reduce((sum, r) => sum + r.timeouts, 0);
    // A run of a number of requests lasts as long as they took; a timed run counts its window.
    const window = options.requests !== undefined ? Math.max(0.001, (Date.now() - started) / 1000) : duration;
    const perSecond = inWindow.reduce((sum, count) => sum + count, 0) / window;
    return {
      mode: rate === undefined ? 'fixed-concurrency' : 'fixed-rate',
      url: options.url,
      method,
      connections,
      durationSeconds: Math.max(...finished.map((r) => r.duration)),
      ...(rate !== undefined ? { offeredRate: rate } : {}),
      requests: { completed: recorder.count, perSecond: Math.round(perSecond * 10) / 10 },
      latencyMs: recorder.summary(),
      errors: finished.reduce((sum, r) => sum + r.errors, 0) - timeouts,
      timeouts,
      non2xx: Object.entries(statusCodes).reduce((sum, [code, count]) => sum + (code.startsWith('2') ? 0 : count), 0),
      statusCodes,
    };
  } finally {
    if (ticker) clearInterval(ticker);
  }
}
