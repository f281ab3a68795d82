import { getRandomValues } from 'node:crypto';

/**
 * Predictions remembered by request id until their feedback comes, least recently recorded
 * forgotten first, bounded in rows (a batch request counts once per row) and in age.
 *
 * Kept in typed arrays, slot by slot, not as an object and a Map entry per request: the store
 * lives on the request path, and each entry outlives two scavenges (10 000 pending at ~18k
 * requests/s is ~0.5 s), so everything it holds was promoted to the old generation — ~200 bytes
 * per request of the ~590 that filled it up towards a mark-compact pause every few seconds. Here a
 * request id is copied into the slot's bytes and a one-row prediction into the slot itself (a
 * number as a double, anything else as the reference the caller gave, class names being the
 * model's own strings); only a batch's array of predictions is kept as given. The index is an
 * open-addressing table of slot numbers by a hash of the id, and the order a list linked through
 * the slots, so recording, forgetting and matching allocate nothing.
 */

/** Request id characters stored in a slot; longer ids, or ids outside Latin-1, are kept as strings. */
const idWidth = 48;
/** Slots allocated at first; they double as needed up to the bound, so idle servers stay small. */
const initialSlots = 256;

const empty = 0;
/** A one-row prediction held in `numbers`. */
const oneNumber = 1;
/** A one-row prediction held in `values`. */
const oneValue = 2;
/** The caller's array of predictions, held in `values`. */
const manyValues = 3;

export class PendingPredictions {
  /** Live entries (requests). */
  size = 0;
  /** Rows of the live entries, never over `maxRows` once a record is done. */
  rows = 0;
  private readonly maxRows: number;
  private readonly maxAgeMs: number;
  private capacity = 0;
  private kinds = new Uint8Array(0);
  private times = new Float64Array(0);
  private rowCounts = new Int32Array(0);
  private numbers = new Float64Array(0);
  private values: unknown[] = [];
  private hashes = new Int32Array(0);
  /** The id's length in `idBytes`, or -1 when it is in `longIds`. */
  private idLengths = new Int16Array(0);
  private idBytes = new Uint8Array(0);
  private longIds: Array<string | undefined> = [];
  /** Older and younger neighbour in recording order; the free slots are chained through `younger`. */
  private older = new Int32Array(0);
  private younger = new Int32Array(0);
  private oldest = -1;
  private youngest = -1;
  private free = -1;
  /** Open addressing, linear probing: slot + 1, 0 for none. */
  private table = new Int32Array(2);
  private mask = 1;

  constructor(maxRows: number, maxAgeMs: number) {
    this.maxRows = Math.max(0, Math.floor(maxRows));
    this.maxAgeMs = maxAgeMs;
    if (this.maxRows > 0) this.grow();
  }

  /**
   * Remember `predictions` for `id` as the youngest entry, forgetting an older one under the same id
   * (even when these are not kept: none, or more rows than the bound), then the oldest while the rows
   * are over the bound or older than the window. The array is kept as given when it has several rows.
   */
  record(id: string, predictions: ReadonlyArray<unknown>, now: number): void {
    const hash = hashOf(id);
    const previous = this.find(id, hash);
    if (previous >= 0) this.drop(previous);
    const count = predictions.length;
    if (count === 0 || count > this.maxRows) return;
    const oldestAllowed = now - this.maxAgeMs;
    while (this.oldest >= 0 && (this.rows + count > this.maxRows || this.times[this.oldest]! < oldestAllowed))
      this.drop(this.oldest);
    if (this.free < 0) this.grow();
    const slot = this.free;
    this.free = this.younger[slot]!;
    this.times[slot] = now;
    this.rowCounts[slot] = count;
    if (count === 1 && typeof predictions[0] === 'number') {
      this.kinds[slot] = oneNumber;
      this.numbers[slot] = predictions[0];
    } else {
      this.kinds[slot] = count === 1 ? oneValue : manyValues;
      this.values[slot] = count === 1 ? predictions[0] : predictions;
    }
    this.storeId(slot, id, hash);
    this.older[slot] = this.youngest;
    this.younger[slot] = -1;
    if (this.youngest >= 0) this.younger[this.youngest] = slot;
    else this.oldest = slot;
    this.youngest = slot;
    this.insert(slot, hash);
    this.size++;
    this.rows += count;
  }

  /**
   * The entry recorded for `id`: its predictions and when they were recorded, or undefined. `take`
   * forgets it; otherwise it stays until `forget`.
   */
  lookup(id: string): { slot: number; time: number; predictions: ReadonlyArray<unknown> } | undefined {
    const slot = this.find(id, hashOf(id));
    if (slot < 0) return undefined;
    const kind = this.kinds[slot];
    const predictions =
      kind === oneNumber
        ? [this.numbers[slot]!]
        : kind === oneValue
          ? [this.values[slot]]
          : (this.values[slot] as ReadonlyArray<unknown>);
    return { slot, time: this.times[slot]!, predictions };
  }

  /** Forget the entry `lookup` gave (it must still be live: nothing recorded or forgotten since). */
  forget(slot: number): void {
    this.drop(slot);
  }

  private find(id: string, hash: number): number {
    for (let position = hash & this.mask; ; position = (position + 1) & this.mask) {
      const entry = this.table[position]!;
      if (entry === 0) return -1;
      const slot = entry - 1;
      if (this.hashes[slot] === hash && this.idIs(slot, id)) return slot;
    }
  }

  private idIs(slot: number, id: string): boolean {
    const length = this.idLengths[slot]!;
    if (length < 0) return this.longIds[slot] === id;
    if (length !== id.length) return false;
    const base = slot * idWidth;
    for (let i = 0; i < length; i++) if (this.idBytes[base + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private storeId(slot: number, id: string, hash: number): void {
    this.hashes[slot] = hash;
    const length = id.length;
    const base = slot * idWidth;
    if (length <= idWidth) {
      let i = 0;
      for (; i < length; i++) {
        const code = id.charCodeAt(i);
        if (code > 0xff) break;
        this.idBytes[base + i] = code;
      }
      if (i === length) {
        this.idLengths[slot] = length;
        return;
      }
    }
    this.idLengths[slot] = -1;
    this.longIds[slot] = id;
  }

  private drop(slot: number): void {
    this.remove(slot);
    const older = this.older[slot]!;
    const younger = this.younger[slot]!;
    if (older >= 0) this.younger[older] = younger;
    else this.oldest = younger;
    if (younger >= 0) this.older[younger] = older;
    else this.youngest = older;
    this.size--;
    this.rows -= this.rowCounts[slot]!;
    if (this.kinds[slot] !== oneNumber) this.values[slot] = undefined;
    if (this.idLengths[slot]! < 0) this.longIds[slot] = undefined;
    this.kinds[slot] = empty;
    this.younger[slot] = this.free;
    this.free = slot;
  }

  private insert(slot: number, hash: number): void {
    let position = hash & this.mask;
    while (this.table[position] !== 0) position = (position + 1) & this.mask;
    this.table[position] = slot + 1;
  }

  /** Take the slot out of the table, shifting back the entries after it that probed past it. */
  private remove(slot: number): void {
    let hole = this.hashes[slot]! & this.mask;
    while (this.table[hole] !== slot + 1) hole = (hole + 1) & this.mask;
    for (let next = (hole + 1) & this.mask; ; next = (next + 1) & this.mask) {
      const entry = this.table[next]!;
      if (entry === 0) break;
      const home = this.hashes[entry - 1]! & this.mask;
      // The entry may move back into the hole unless its home lies cyclically in (hole, next].
      if (((next - home) & this.mask) >= ((next - hole) & this.mask)) {
        this.table[hole] = entry;
        hole = next;
      }
    }
    this.table[hole] = 0;
  }

  /** Double the slots (up to the bound, at least one row per entry) and rebuild the table for them. */
  private grow(): void {
    const before = this.capacity;
    const capacity = Math.min(this.maxRows, Math.max(initialSlots, before * 2));
    this.kinds = resized(this.kinds, new Uint8Array(capacity));
    this.times = resized(this.times, new Float64Array(capacity));
    this.rowCounts = resized(this.rowCounts, new Int32Array(capacity));
    this.numbers = resized(this.numbers, new Float64Array(capacity));
    this.hashes = resized(this.hashes, new Int32Array(capacity));
    this.idLengths = resized(this.idLengths, new Int16Array(capacity));
    this.idBytes = resized(this.idBytes, new Uint8Array(capacity * idWidth));
    this.older = resized(this.older, new Int32Array(capacity));
    this.younger = resized(this.younger, new Int32Array(capacity));
    this.values.length = capacity;
    this.longIds.length = capacity;
    for (let slot = capacity - 1; slot >= before; slot--) {
      this.younger[slot] = this.free;
      this.free = slot;
    }
    this.capacity = capacity;
    let size = 2;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let slot = this.oldest; slot >= 0; slot = this.younger[slot]!) this.insert(slot, this.hashes[slot]!);
  }
}

function resized<T extends Uint8Array | Int16Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** FNV-1a over the id's UTF-16 code units. */
/**
 * FNV-1a from a random start per process: request ids may come from clients (`x-request-id`), who
 * must not be able to pick ids that all land in one probe chain and make every request walk it.
 */
const hashSeed = getRandomValues(new Int32Array(1))[0]!;

function hashOf(id: string): number {
  let hash = hashSeed;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash;
}
