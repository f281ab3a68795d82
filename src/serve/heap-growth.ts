import v8 from 'node:v8';
import type { Counter } from 'prom-client';

export interface HeapGrowthOptions {
  /** How long without a shed request before V8's own policy returns. */
  calmMs?: number;
  /** How often the shed counter is read. */
  intervalMs?: number;
  /** Sets V8's growth percent; 0 = its own policy. Replaceable in tests. */
  setGrowth?: (percent: number) => void;
}

/**
 * Keeps the heap tight while the server sheds load, and leaves V8's own policy alone otherwise.
 *
 * Under a flood V8 let the old generation grow to ~4× its live size between full GCs, and RSS
 * followed: peak RSS 2.1–2.5× idle at 4× capacity (live heap ~30 MB, heap snapshot). A fixed
 * `--heap-growing-percent=30` kept it at 1.5×, but at normal load it made full GCs several times
 * more frequent and p99 at 64 connections went from 5 to 7–8 ms (interleaved runs). So the
 * limit applies only while requests are being shed (berth_requests_shed_total rises), and is
 * lifted once none has been shed for `calmMs`.
 *
 * V8 reads the flag each time it sets the next GC limit, so setting it at run time works
 * (checked: the same peak RSS as passing it to node). `percent` is a validated integer.
 */
export function governHeapGrowth(shed: Counter<string>, percent: number, options: HeapGrowthOptions = {}): () => void {
  const {
    calmMs = 10_000,
    intervalMs = 1000,
    setGrowth = (value: number) => v8.setFlagsFromString(`--heap-growing-percent=${value}`),
  } = options;
  if (percent <= 0) return () => undefined;
  let lastTotal = 0;
  let lastShedAt = 0;
  let tight = false;
  const check = async () => {
    const total = (await shed.get()).values.reduce((sum, sample) => sum + sample.value, 0);
    const now = Date.now();
    if (total > lastTotal) {
      lastShedAt = now;
      if (!tight) setGrowth(percent);
      tight = true;
    } else if (tight && now - lastShedAt >= calmMs) {
      setGrowth(0);
      tight = false;
    }
    lastTotal = total;
  };
  const timer = setInterval(() => void check(), intervalMs).unref();
  return () => clearInterval(timer);
}
