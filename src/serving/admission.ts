import { errors, withRetryAfter, type BerthError } from '../core/errors.js';
import { LoopSlices } from './loop-slices.js';

export interface AdmissionLimits {
  /** Requests whose body has arrived and that are being handled. */
  maxInFlight: number;
  /** Bytes of request bodies being received or handled (by their Content-Length). */
  maxBodyBytesInFlight: number;
  /** The body limit: what a request without Content-Length (chunked) is counted as. */
  maxBodyBytes: number;
  /** Event-loop lag past which fewer requests are handled at once (#watchLag); 0 = off. */
  maxEventLoopLagMs: number;
  /** Time in the server (body arrived → reply done) that even the fastest recent request took, or that the oldest waited for a loop slice, past which new ones are shed; 0 = off. */
  maxSojournMs: number;
  /** The event loop's time per slice for admitted requests' costly steps (loop-slices.ts); absent or 0 = no slices. */
  loopSliceMicros?: number;
}

/** One request's claim on the server's capacity, from its headers until its reply is done. */
export interface Ticket {
  bytes: number;
  handling: boolean;
  /** Its request is done (answered, or its caller went away): the ticket takes no slot again. */
  left?: boolean;
  /** performance.now() when its body had arrived. */
  since?: number;
  /** The tickets handled just before and after it, while it is handled (the admission's own list). */
  older?: Ticket;
  younger?: Ticket;
}

/**
 * A new ticket with every field it will take, so tickets keep one shape from the start (they are
 * made and changed on every request).
 */
function newTicket(bytes: number): Ticket {
  return { bytes, handling: false, left: false, since: 0, older: undefined, younger: undefined };
}

export type ShedReason = 'in_flight' | 'body_bytes' | 'event_loop' | 'standing_queue';

/** How long the fastest request of a window must have taken before the queue counts as standing. */
const sojournWindowMs = 500;

/**
 * Who gets in, for HTTP and gRPC alike, decided before a body is read (a refusal costs no
 * parsing): 429 + Retry-After when too many bodies are being handled, when the bytes being
 * received or held would pass the budget, when the event loop is saturated, or when requests
 * queue inside the server (a standing queue).
 *
 * Bodies still arriving hold bytes of the budget but no request slot: a slow upload takes
 * nothing from fast clients' slots, and the receive timeout bounds how long it holds its bytes.
 */
export class Admission {
  #handling = 0;
  #bytes = 0;
  #lagTimer?: NodeJS.Timeout;
  /** Requests handled at once that keep the event loop's turns under its lag limit (#watchLag), and the most handled since its last tick. */
  #limit: number;
  #peak = 0;
  /** CoDel's signal (RFC 8289): the shortest sojourn of the current window, and whether the last window's was past the limit. */
  #windowStart = performance.now();
  #windowMin = Infinity;
  #standing = false;
  /**
   * The tickets being handled, oldest first, linked through the tickets themselves: a Set of them
   * took most of handle()'s time on the main thread in a profile at 64 connections (hashing a new
   * object and growing the table, on every request; bench/results/request-path-cpu.md).
   */
  #oldest?: Ticket;
  #youngest?: Ticket;
  /** The event loop's time for admitted requests' costly steps (loop-slices.ts); the data plane waits on it too. */
  readonly slices: LoopSlices;

  constructor(
    readonly limits: AdmissionLimits,
    private readonly onShed: (reason: ShedReason) => void = () => undefined,
  ) {
    this.#limit = limits.maxInFlight;
    this.slices = new LoopSlices(limits.loopSliceMicros ?? 0);
    if (limits.maxEventLoopLagMs > 0) this.#watchLag();
  }

  /** Requests being handled now (their bodies arrived, their replies not yet done). */
  get handling(): number {
    return this.#handling;
  }

  /** A ticket for an admitted request, or the refusal to send; `exempt` (probes, scrapes) is never refused. */
  enter(bytes: number, exempt = false): { ticket?: Ticket; refusal?: BerthError } {
    const { maxInFlight, maxBodyBytesInFlight } = this.limits;
    if (exempt) return { ticket: newTicket(0) };
    if (this.#handling >= maxInFlight) return this.#shed('in_flight', errors.serverOverloaded(maxInFlight));
    if (this.#handling >= this.#limit)
      return this.#shed('event_loop', errors.serverBusy(this.#limit, this.limits.maxEventLoopLagMs));
    // Admitted requests already wait longer than the sojourn limit for the loop's time: a standing queue.
    if (this.limits.maxSojournMs > 0 && this.slices.oldestWaitMs() > this.limits.maxSojournMs)
      return this.#shed('standing_queue', errors.standingQueue(this.limits.maxSojournMs));
    // A request alone, or beside one other, waits for nobody: its own long run is no queue.
    if (this.limits.maxSojournMs > 0 && this.#handling >= 2 && this.#queueStands())
      return this.#shed('standing_queue', errors.standingQueue(this.limits.maxSojournMs));
    // One request alone may always use the whole budget, so a body within the limit is never
    // refused by an idle server whatever the budget.
    if (bytes > 0 && this.#bytes > 0 && this.#bytes + bytes > maxBodyBytesInFlight)
      return this.#shed('body_bytes', errors.bodiesOverBudget(maxBodyBytesInFlight));
    this.#bytes += bytes;
    return { ticket: newTicket(bytes) };
  }

  /**
   * The body has arrived: from now on the request takes a slot. False when it already has one, or
   * when its caller went away before its body had been read (it must take none: nothing would give it back).
   */
  handle(ticket: Ticket): boolean {
    if (ticket.handling || ticket.left) return false;
    ticket.handling = true;
    ticket.since = performance.now();
    ticket.older = this.#youngest;
    if (this.#youngest) this.#youngest.younger = ticket;
    else this.#oldest = ticket;
    this.#youngest = ticket;
    this.#handling++;
    this.#peak = Math.max(this.#peak, this.#handling);
    return true;
  }

  /** The reply is done, or the client went away. */
  leave(ticket: Ticket): void {
    ticket.left = true;
    this.#bytes -= ticket.bytes;
    ticket.bytes = 0;
    if (ticket.handling) {
      this.#handling--;
      const { older, younger } = ticket;
      if (older) older.younger = younger;
      else this.#oldest = younger;
      if (younger) younger.older = older;
      else this.#youngest = older;
      ticket.older = ticket.younger = undefined;
      this.#windowMin = Math.min(this.#windowMin, performance.now() - ticket.since!);
    }
    ticket.handling = false;
  }

  /**
   * A standing queue (RFC 8289's CoDel): over the last window even the fastest request spent
   * longer in the server than the limit, or none finished while the oldest waited past it. A
   * burst, or one long request among quick ones, is no standing queue; a flood that keeps every
   * request waiting is, and new ones are shed until requests get through in time again.
   */
  #queueStands(): boolean {
    const now = performance.now();
    if (now - this.#windowStart >= sojournWindowMs) {
      const oldest = this.#oldest;
      const waited = this.#windowMin === Infinity ? (oldest ? now - oldest.since! : 0) : this.#windowMin;
      this.#standing = waited > this.limits.maxSojournMs;
      this.#windowStart = now;
      this.#windowMin = Infinity;
    }
    return this.#standing;
  }

  /** Requests handled at once that the event loop's lag allows now (never past maxInFlight, which it starts at). */
  get concurrencyLimit(): number {
    return this.#limit;
  }

  close(): void {
    clearInterval(this.#lagTimer);
  }

  /** An HTTP request's bytes: its Content-Length, the body limit when it has none but a body (chunked). */
  declaredBytes(headers: { 'content-length'?: string; 'transfer-encoding'?: string }): number {
    const length = headers['content-length'];
    if (length !== undefined) return Math.min(Number(length) || 0, this.limits.maxBodyBytes);
    return headers['transfer-encoding'] === undefined ? 0 : this.limits.maxBodyBytes;
  }

  #shed(reason: ShedReason, error: BerthError) {
    this.onShed(reason);
    return { refusal: withRetryAfter(error, 1) };
  }

  /**
   * Lag = how late a 50 ms timer fires: how long the event loop's turns run. Node accepts one
   * connection per turn (libuv since 1.45), and every request waits out the turn in which it
   * arrives, unread, where no per-request timing sees it; under a flood the turns grow with the
   * work admitted, new connections wait in the kernel's accept queue and clients time out before
   * the server has seen them. So the lag steers how many requests are handled at once, as TCP's
   * congestion window is steered (RFC 5681): halved from what is in flight while the loop runs
   * late on two ticks in a row (one long turn, a large model call, is no flood), and grown by an
   * eighth per tick while it keeps time and at least half the limit is in use (a limit grown
   * while unused would let the next burst in whole; RFC 7661). Past the limit a request is
   * refused at its headers, which costs a fraction of serving it, so the turns shorten and the
   * clients waiting are answered, most with a quick 429. Lag counts only while at least two
   * requests are handled: long turns with fewer (a model loading) are not requests queueing.
   */
  #watchLag(): void {
    const periodMs = 50;
    let last = performance.now();
    let previousLag = 0;
    let previousUse = performance.eventLoopUtilization();
    this.#lagTimer = setInterval(() => {
      const now = performance.now();
      const use = performance.eventLoopUtilization();
      // Only as late as the loop was busy: time it sat idle, or waited for a core the machine gave
      // to others, is no work admitted, and refusing requests would not shorten it.
      const busyMs = use.active - previousUse.active;
      const lag = this.#handling >= 2 ? Math.max(0, Math.min(now - last - periodMs, busyMs)) : 0;
      last = now;
      previousUse = use;
      const late = Math.min(lag, previousLag) > this.limits.maxEventLoopLagMs;
      previousLag = lag;
      if (late) this.#limit = Math.max(1, Math.floor(Math.min(this.#limit, this.#handling) / 2));
      else if (this.#peak >= this.#limit / 2)
        this.#limit = Math.min(this.limits.maxInFlight, this.#limit + Math.ceil(this.#limit / 8));
      this.#peak = this.#handling;
    }, periodMs).unref();
  }
}
