/**
 * Admitted requests' main-thread work, run in slices of about `sliceMicros` per event-loop turn.
 *
 * Node accepts one connection per event-loop turn (libuv ≥ 1.45 no longer accepts in a loop), so
 * a turn's length sets how fast a burst of new connections leaves the kernel's accept queue. In
 * one turn libuv hands over every readable socket, and one model call's promise answers its
 * whole batch: under a flood one turn parsed, encoded and wrote hundreds of requests (hundreds of ms),
 * and connections waited unaccepted until their clients timed out. Here each request's costly
 * steps (reading and parsing its body, encoding its answer) wait their turn when the current
 * slice is spent: each waiter is let go from its own setImmediate callback, after which Node runs
 * every microtask it set off (parse, decode, encode, write) before the next callback, so a slice
 * ends on its measured time. The turn's poll phase, and its accept, comes between slices.
 *
 * A request that finds no queue and time left in the slice goes on at once (no hop): at low load
 * nothing waits. While the longest waiter has waited past the sojourn limit, new requests are shed
 * at their headers (admission.ts), which costs a fraction of serving them.
 */
export class LoopSlices {
  readonly #waiting: Array<{ go: () => void; since: number }> = [];
  #sliceStart = 0;
  #inSlice = false;
  /** setImmediate callbacks queued to let a waiter go, one each while the slice has time. */
  #grantsQueued = 0;

  readonly #sliceMs: number;
  readonly #now: () => number;

  /**
   * @param sliceMicros the event loop's time per slice; 0 = no slices (everything goes on at once).
   * @param now the clock, in ms (tests move their own rather than wait on the machine's).
   */
  constructor(sliceMicros: number, now: () => number = () => performance.now()) {
    this.#sliceMs = sliceMicros / 1000;
    this.#now = now;
  }

  /**
   * Undefined: go on now. A promise: go on when it resolves, in a later slice (FIFO). `bytes`, the
   * request's size: under `minBytes` it always goes on, its parse and encode costing about what a
   * wait does.
   */
  wait(bytes: number): Promise<void> | undefined {
    if (this.#sliceMs <= 0 || bytes < minBytes || (this.#waiting.length === 0 && this.#room())) return undefined;
    return new Promise((resolve) => {
      this.#waiting.push({ go: resolve, since: this.#now() });
      this.#queueGrants();
    });
  }

  /** Requests waiting for a slice. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** How long the longest waiter has waited, in ms (0 when none waits). */
  oldestWaitMs(): number {
    const oldest = this.#waiting[0];
    return oldest ? this.#now() - oldest.since : 0;
  }

  /**
   * Time left in the current slice; the first work after a slice ended starts a new one. A slice
   * ends at the next check phase (an immediate queued when it starts runs there, before the
   * immediates queued after it), so each turn's poll phase sees a fresh budget or a queue.
   */
  #room(): boolean {
    const now = this.#now();
    if (!this.#inSlice) {
      this.#inSlice = true;
      this.#sliceStart = now;
      setImmediate(this.#endSlice);
      return true;
    }
    return now - this.#sliceStart < this.#sliceMs;
  }

  readonly #endSlice = () => {
    this.#inSlice = false;
  };

  /** One setImmediate callback per waiter that may go in the next check phase (up to a cap). */
  #queueGrants(): void {
    const count = Math.min(maxGrantsPerTurn, this.#waiting.length) - this.#grantsQueued;
    for (let i = 0; i < count; i++) setImmediate(this.#grant);
    this.#grantsQueued += Math.max(0, count);
  }

  readonly #grant = () => {
    this.#grantsQueued--;
    if (this.#waiting.length > 0 && this.#room()) this.#waiting.shift()!.go();
    // Callbacks queued now run in the next turn: once this turn's are done (the slice spent, or
    // the cap reached), those still waiting go in the next, after its poll phase.
    if (this.#grantsQueued === 0 && this.#waiting.length > 0) this.#queueGrants();
  };
}

/** Requests smaller than this never wait (a 200-row JSON body is ~3.6 kB, one row ~80 bytes). */
const minBytes = 1024;
/** Waiters let go per check phase at most: cheap ones (single rows) go many to a slice, and batch together. */
const maxGrantsPerTurn = 128;
