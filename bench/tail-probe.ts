import { appendFileSync } from 'node:fs';
import { PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';

/**
 * Loaded into the server under test by bench/tail.ts (`node --import`): records, with wall-clock
 * times, every GC pause (PerformanceObserver 'gc' entries), every event-loop turn that held the loop
 * over 3 ms (a 1 ms interval that fired late), and every worker thread started. One JSON line per
 * event, appended to TAIL_PROBE_FILE every 250 ms. The interval costs the server a timer per ms;
 * compare runs made with the probe only with each other.
 */
const file = process.env.TAIL_PROBE_FILE!;
// V8's own GC traces (--trace-gc-nvp) time from the isolate's start: this puts them on the clock.
const lines: string[] = [JSON.stringify({ event: 'start', at: performance.timeOrigin, ms: 0 })];
const wall = (time: number) => performance.timeOrigin + time;
const kinds: Record<number, string> = {
  1: 'scavenge',
  2: 'minor-mark-sweep',
  4: 'mark-compact',
  8: 'incremental-marking',
  16: 'weak-callbacks',
};

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
    lines.push(
      JSON.stringify({ event: 'gc', kind: kinds[kind] ?? String(kind), at: wall(entry.startTime), ms: entry.duration }),
    );
  }
}).observe({ entryTypes: ['gc'] });

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > 4) lines.push(JSON.stringify({ event: 'turn', at: wall(last), ms: now - last - 1 }));
  last = now;
}, 1).unref();

process.on('worker', () => lines.push(JSON.stringify({ event: 'worker', at: wall(performance.now()), ms: 0 })));
const flush = () => {
  if (lines.length > 0) appendFileSync(file, `${lines.splice(0).join('\n')}\n`);
};
setInterval(flush, 250).unref();
process.on('exit', flush);
