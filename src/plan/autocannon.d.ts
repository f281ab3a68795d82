/**
 * The part of autocannon 9's library API Berth uses (the package ships no types and
 * @types/autocannon lags behind it). Checked against autocannon/lib/run.js and lib/init.js.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  interface AutocannonOptions {
    url: string;
    method?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    connections?: number;
    duration?: number;
    /** Seconds before a request counts as a timeout. */
    timeout?: number;
    /** Requests per second over all connections (each connection gets its share per second). */
    overallRate?: number;
    connectionRate?: number;
    /** Without it autocannon pads latencies with Math.ceil(1 / rate) = 1 ms steps (see load-test.ts). */
    ignoreCoordinatedOmission?: boolean;
    pipelining?: number;
  }

  interface Histogram {
    average: number;
    mean: number;
    max: number;
    min: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
    sent?: number;
  }

  interface AutocannonResult {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram;
  }

  interface Instance extends EventEmitter, PromiseLike<AutocannonResult> {
    stop(): void;
  }

  function autocannon(options: AutocannonOptions): Instance;
  export default autocannon;
}
