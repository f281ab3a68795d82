import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/**
 * The load generator of the flood case, in its own process so that it and the server under test
 * each get their own event loop (on a 2-core machine a generator sharing the bench's loop falls
 * behind and times out requests the server already answered).
 *
 *   echo '{"url":…,"body":…,"connections":400,"rate":3400,"duration":8,"timeout":2}' | node --import tsx bench/flood-client.ts
 *
 * Prints one JSON object: answers by status, client timeouts (and in which second of the run they
 * fired), latency percentiles over every answer (429s included) and over the 200s alone.
 */
interface Options {
  url: string;
  body: string;
  connections: number;
  /** Requests per second over all connections; absent: each connection sends as fast as it is answered. */
  rate?: number;
  duration: number;
  timeout: number;
}

const options = JSON.parse(readFileSync(0, 'utf8')) as Options;
const started = performance.now();
const latencies: Record<string, number[]> = {};
const timeoutsBySecond: number[] = [];
const shedBySecond: number[] = [];
const second = () => Math.floor((performance.now() - started) / 1000);
const instance = autocannon({
  url: options.url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: options.body,
  connections: options.connections,
  overallRate: options.rate,
  duration: options.duration,
  timeout: options.timeout,
});
instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
  (latencies[status] ??= []).push(ms);
  if (status === 429) shedBySecond[second()] = (shedBySecond[second()] ?? 0) + 1;
});
instance.on('reqError', (error: Error) => {
  if (!error.message.includes('timed out')) return;
  timeoutsBySecond[second()] = (timeoutsBySecond[second()] ?? 0) + 1;
});
const result = await instance;

const all = Object.values(latencies).flat();
const statuses = Object.fromEntries(Object.entries(latencies).map(([status, list]) => [status, list.length]));
process.stdout.write(
  `${JSON.stringify({
    // What the generator managed to send: on a shared machine it may fall short of the rate asked.
    sentRps: Math.round((result.requests.sent ?? 0) / options.duration),
    answeredRps: Math.round(all.length / options.duration),
    statuses,
    timeouts: result.timeouts,
    otherErrors: result.errors - result.timeouts,
    timeoutsBySecond: Array.from(timeoutsBySecond, (n) => n ?? 0),
    shedBySecond: Array.from(shedBySecond, (n) => n ?? 0),
    allMs: percentiles(all),
    okMs: percentiles(latencies[200] ?? []),
    shedMs: percentiles(latencies[429] ?? []),
  })}\n`,
);

function percentiles(values: number[]) {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: Math.round(sorted.at(-1)!) };
}
