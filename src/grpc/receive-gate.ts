import {
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  type ServerListener,
} from '@grpc/grpc-js';
import { errors, withRetryAfter, type BerthError } from '../core/errors.js';
import { catalogueStatus } from './grpc-status.js';

/** Calls waiting their turn, each holding at most one HTTP/2 stream window (64 KiB): 4 MiB in all. */
const maxWaiting = 64;

/**
 * How many gRPC messages are received at once. grpc-js reads a message whole before a handler
 * sees it, and gRPC sends no length ahead of the message, so each call being received counts as
 * the largest message (as an HTTP body sent chunked does): `slots` of them fit the receive budget,
 * and always one. A call past them waits unread, its HTTP/2 stream paused, so flow control (RFC
 * 9113 §5.2) holds its client at one stream window until its turn. A call waits at most the
 * receive timeout for its turn (then RESOURCE_EXHAUSTED with retry-after, as a shed HTTP request
 * gets 429), and its message must then arrive within the receive timeout (else DEADLINE_EXCEEDED).
 */
export class ReceiveGate {
  readonly slots: number;
  #receiving = 0;
  /** Calls waiting for a slot, oldest first (a Set keeps insertion order). */
  readonly #waiting = new Set<Receipt>();
  /** Calls waiting or receiving, for the timeout sweep. */
  readonly #open = new Set<Receipt>();
  readonly #sweep: NodeJS.Timeout;

  constructor(
    maxMessageBytes: number,
    receiveBytesInFlight: number,
    readonly timeoutMs: number,
    checkMs: number,
  ) {
    this.slots = Math.max(1, Math.floor(receiveBytesInFlight / maxMessageBytes));
    // One sweep for every call rather than a timer each: calls are many, timeouts rare.
    this.#sweep = setInterval(() => this.#expire(), checkMs).unref();
  }

  readonly interceptor: ServerInterceptor = (_method, call) => new Receipt(this, call).intercepting;

  close(): void {
    clearInterval(this.#sweep);
  }

  /** Its metadata arrived: it reads now, waits its turn, or is shed when the line is full. */
  arrive(receipt: Receipt): void {
    this.#open.add(receipt);
    if (this.#receiving < this.slots) this.#start(receipt);
    else if (this.#waiting.size >= maxWaiting) receipt.refuse(this.#overBudget());
    else {
      receipt.state = 'waiting';
      this.#waiting.add(receipt);
    }
  }

  /** Its message arrived, or the call ended: its slot (or place in line) is free. */
  leave(receipt: Receipt): void {
    this.#open.delete(receipt);
    if (receipt.state === 'waiting') this.#waiting.delete(receipt);
    else if (receipt.state === 'receiving') {
      this.#receiving--;
      for (const next of this.#waiting) {
        if (this.#receiving >= this.slots) break;
        this.#start(next);
      }
    }
    receipt.state = 'done';
  }

  #start(receipt: Receipt): void {
    this.#waiting.delete(receipt);
    this.#receiving++;
    receipt.state = 'receiving';
    receipt.since = performance.now();
    receipt.read();
  }

  #overBudget(): BerthError {
    return withRetryAfter(errors.messagesOverBudget(this.#waiting.size), 1);
  }

  #expire(): void {
    const now = performance.now();
    for (const receipt of this.#open)
      if (now - receipt.since >= this.timeoutMs)
        receipt.refuse(receipt.state === 'waiting' ? this.#overBudget() : errors.requestTimeout(this.timeoutMs));
  }
}

/** One call's place in the gate: its metadata is passed on (so grpc-js starts reading) only when it may read. */
class Receipt {
  state: 'arriving' | 'waiting' | 'receiving' | 'done' = 'arriving';
  since = performance.now();
  read: () => void = () => undefined;
  readonly intercepting: ServerInterceptingCall;

  constructor(
    private readonly gate: ReceiveGate,
    private readonly call: ServerInterceptingCallInterface,
  ) {
    const listener: ServerListener = {
      onReceiveMetadata: (metadata, next) => {
        this.read = () => next(metadata);
        gate.arrive(this);
      },
      onReceiveMessage: (message, next) => {
        gate.leave(this);
        next(message);
      },
      onCancel: () => gate.leave(this),
    };
    this.intercepting = new ServerInterceptingCall(call, {
      start: (next) => next(listener),
      sendStatus: (status, next) => {
        gate.leave(this);
        next(status);
      },
    });
  }

  refuse(error: BerthError): void {
    this.gate.leave(this);
    this.call.sendStatus(catalogueStatus(error));
  }
}
