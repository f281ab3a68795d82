/**
 * Where one model call runs: inline on the main thread, or on the onnxruntime thread
 * (ort-thread.ts). onnxruntime-node computes on the thread that calls `run`, so an inline call
 * holds the event loop (every socket, probe and scrape) for its whole duration; a hop to the thread
 * and back costs ~70 µs of latency and ~60 µs of CPU (a postMessage ping-pong on these 2-core
 * machines). So only calls expected to take longer than `thresholdMicros` go to the thread.
 *
 * The expectation is learnt from the model's own calls, inline and on the thread alike, per size
 * class (rows rounded down to a power of two): a call's time is mostly fixed cost for a few rows and
 * mostly per-row cost for many, so one per-row figure would misjudge one or the other.
 */
export interface CallPlacement {
  /** True: run on the main thread. A size never seen is judged from the nearest one seen. */
  inline(rows: number): boolean;
  /** The compute time of a call of `rows` rows, wherever it ran. */
  record(rows: number, micros: number): void;
}

/** Weight of the newest sample in each size class's moving average. */
const SMOOTHING = 0.2;

export function createCallPlacement(thresholdMicros: number): CallPlacement {
  const microsBySize = new Map<number, number>();
  const sizeOf = (rows: number) => Math.floor(Math.log2(Math.max(1, rows)));

  const expectedMicros = (rows: number): number | undefined => {
    const size = sizeOf(rows);
    const known = microsBySize.get(size);
    if (known !== undefined) return known;
    let nearest: number | undefined;
    for (const seen of microsBySize.keys()) if (nearest === undefined || Math.abs(seen - size) < Math.abs(nearest - size)) nearest = seen;
    // Scaled by rows: from a smaller size this overestimates (its fixed cost is counted per row),
    // which errs towards the thread, where a long call belongs.
    return nearest === undefined ? undefined : microsBySize.get(nearest)! * 2 ** (size - nearest);
  };

  return {
    inline(rows) {
      if (thresholdMicros <= 0) return false;
      const expected = expectedMicros(rows);
      // The first call runs inline and is timed: nothing is known yet, and it is usually a probe.
      return expected === undefined || expected < thresholdMicros;
    },
    record(rows, micros) {
      const size = sizeOf(rows);
      const previous = microsBySize.get(size);
      microsBySize.set(size, previous === undefined ? micros : previous + (micros - previous) * SMOOTHING);
    },
  };
}
