/**
 * Where one model call runs: inline on the main thread, or on the onnxruntime thread
 * (ort-thread.ts). onnxruntime-node computes on the thread that calls `run`, so an inline call
 * holds the event loop (every socket, probe and scrape) for its whole duration; a hop to the thread
 * and back costs ~110–150 µs of latency and 30–45 µs of main-thread CPU on these 2-core machines,
 * and under /predict at 64 connections sending every call there took no main-thread CPU off
 * (docs/performance.md, "The onnxruntime thread"). So only calls expected to take longer than
 * `thresholdMicros` go to the thread.
 *
 * The expectation is learnt from the model's own calls, inline and on the thread alike, per size
 * class (rows rounded down to a power of two): a call's time is mostly fixed cost for a few rows and
 * mostly per-row cost for many, so one per-row figure would misjudge one or the other. A size class
 * is timed inline for its first `FIRST_SAMPLES` calls, so a few calls per class may hold the loop:
 * the first only if the guess from its neighbours is under 64× the threshold.
 */
export interface CallPlacement {
  /**
   * True: run on the main thread. With `threadStarting`, the thread's session is still being
   * made, and a call waits for it only if expected to take over 64× the threshold.
   */
  inline(rows: number, threadStarting?: boolean): boolean;
  /** The compute time of a call of `rows` rows, wherever it ran. */
  record(rows: number, micros: number): void;
}

/**
 * Weight of the newest sample in each size class's moving average: large when it is lower, small
 * when it is higher. A call's time is wall time, and on a busy machine the OS may take the core
 * away mid-call, which only ever adds; under /predict at 64 connections one equal weight (0.2) sent
 * 11% of 64-row iris calls (~70 µs) to the thread and so started it.
 */
const SMOOTHING_DOWN = 0.5;
const SMOOTHING_UP = 0.05;
/**
 * A size never seen runs inline (once, to be timed) if guessed under this many times the
 * threshold; so do known sizes while the thread's session is being made.
 */
const EXPLORE_FACTOR = 64;
/**
 * A size class is judged on its fastest of this many first calls, and runs inline meanwhile, however
 * long they took: the first calls after a load are the slowest (cold caches), and on a loaded
 * machine one may be preempted for tens of ms. One such call started the thread's session, a
 * second copy of the model (iris's first one-row call took 280 µs against its ~90 µs), held from
 * then on by a server that had answered a few requests.
 */
const FIRST_SAMPLES = 3;

export function createCallPlacement(thresholdMicros: number): CallPlacement {
  const microsBySize = new Map<number, number>();
  const samplesBySize = new Map<number, number>();
  const sizeOf = (rows: number) => Math.floor(Math.log2(Math.max(1, rows)));

  /** From the nearest size seen, scaled by rows: from a smaller size this overestimates (its fixed cost is counted per row). */
  const guessMicros = (size: number): number | undefined => {
    let nearest: number | undefined;
    for (const seen of microsBySize.keys())
      if (nearest === undefined || Math.abs(seen - size) < Math.abs(nearest - size)) nearest = seen;
    return nearest === undefined ? undefined : microsBySize.get(nearest)! * 2 ** (size - nearest);
  };

  return {
    inline(rows, threadStarting = false) {
      if (thresholdMicros <= 0) return false;
      const size = sizeOf(rows);
      const known = microsBySize.get(size);
      if (known !== undefined && samplesBySize.get(size)! < FIRST_SAMPLES) return true;
      if (known !== undefined) return known < thresholdMicros * (threadStarting ? EXPLORE_FACTOR : 1);
      // A size never seen runs inline once, to be timed, unless even a generous guess makes it
      // long: judged from one-row calls, a 128-row iris batch would look like 4 ms, not its 60 µs.
      const guess = guessMicros(size);
      return guess === undefined || guess < thresholdMicros * EXPLORE_FACTOR;
    },
    record(rows, micros) {
      const size = sizeOf(rows);
      const previous = microsBySize.get(size);
      const samples = samplesBySize.get(size) ?? 0;
      samplesBySize.set(size, samples + 1);
      if (previous === undefined) microsBySize.set(size, micros);
      else if (samples < FIRST_SAMPLES) microsBySize.set(size, Math.min(previous, micros));
      else microsBySize.set(size, previous + (micros - previous) * (micros < previous ? SMOOTHING_DOWN : SMOOTHING_UP));
    },
  };
}
