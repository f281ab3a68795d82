/**
 * A bounded sliding window of recent rows, by count and by age: a ring buffer with one
 * preallocated column per feature (Float64Array for numbers, an array of keys for categories).
 * Appending is O(columns) with no allocation; eviction by age advances the head, O(1) amortised;
 * memory is fixed at construction (rows × columns × 8 bytes plus the category keys).
 */

export type ColumnType = 'number' | 'string';

export interface WindowLimits {
  /** Most rows kept; the oldest is overwritten first. */
  maxRows: number;
  /** Rows older than this (relative to the `now` given) are dropped; Infinity keeps everything. */
  maxAgeMs: number;
}

export class SlidingWindow {
  readonly capacity: number;
  readonly maxAgeMs: number;
  private readonly times: Float64Array;
  private readonly numberColumns: Array<Float64Array | undefined>;
  private readonly stringColumns: Array<Array<string | null> | undefined>;
  private start = 0;
  private length = 0;

  constructor(types: readonly ColumnType[], limits: WindowLimits) {
    if (!Number.isInteger(limits.maxRows) || limits.maxRows < 1)
      throw new RangeError(`window maxRows must be a positive integer, got ${limits.maxRows}`);
    if (!(limits.maxAgeMs > 0)) throw new RangeError(`window maxAgeMs must be positive, got ${limits.maxAgeMs}`);
    this.capacity = limits.maxRows;
    this.maxAgeMs = limits.maxAgeMs;
    this.times = new Float64Array(this.capacity);
    // Not filled: append() marks each new slot missing and only held rows are read, so the pages of
    // a column stay untouched until rows reach them (80 kB a column at the default 10 000 rows).
    this.numberColumns = types.map((type) => (type === 'number' ? new Float64Array(this.capacity) : undefined));
    this.stringColumns = types.map((type) =>
      type === 'string' ? new Array<string | null>(this.capacity).fill(null) : undefined,
    );
  }

  /** Rows currently held (call `evict(now)` first for an age-exact count). */
  get size(): number {
    return this.length;
  }

  /**
   * Start a new row at `time` and return its slot; every column of the slot reads as missing
   * until set. When full, the oldest row is overwritten.
   */
  append(time: number): number {
    let slot: number;
    if (this.length < this.capacity) {
      slot = (this.start + this.length) % this.capacity;
      this.length++;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    this.times[slot] = time;
    for (const column of this.numberColumns) if (column) column[slot] = Number.NaN;
    for (const column of this.stringColumns) if (column) column[slot] = null;
    return slot;
  }

  setNumber(column: number, slot: number, value: number): void {
    this.numberColumns[column]![slot] = value;
  }

  setString(column: number, slot: number, value: string | null): void {
    this.stringColumns[column]![slot] = value;
  }

  /** Drop rows older than `now − maxAgeMs`. Times are expected to be (mostly) non-decreasing. */
  evict(now: number): void {
    const oldest = now - this.maxAgeMs;
    while (this.length > 0 && this.times[this.start]! < oldest) {
      this.start = (this.start + 1) % this.capacity;
      this.length--;
    }
  }

  /** Non-missing values of a number column, oldest first (a copy). */
  numbers(column: number): Float64Array {
    const source = this.numberColumns[column]!;
    const out = new Float64Array(this.length);
    let k = 0;
    for (let i = 0; i < this.length; i++) {
      const value = source[(this.start + i) % this.capacity]!;
      if (!Number.isNaN(value)) out[k++] = value;
    }
    return out.subarray(0, k);
  }

  /** Counts per key of a string column, and how many rows had no value. */
  counts(column: number): { counts: Map<string, number>; missing: number } {
    const source = this.stringColumns[column]!;
    const counts = new Map<string, number>();
    let missing = 0;
    for (let i = 0; i < this.length; i++) {
      const key = source[(this.start + i) % this.capacity];
      if (key === null || key === undefined) missing++;
      else counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return { counts, missing };
  }

  /** Times of the oldest and newest rows held, or null when empty. */
  span(): { oldest: number; newest: number } | null {
    if (this.length === 0) return null;
    return { oldest: this.times[this.start]!, newest: this.times[(this.start + this.length - 1) % this.capacity]! };
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}
