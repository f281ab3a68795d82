import { errors, withRetryAfter } from '../core/errors.js';
import type { Settings } from '../core/config.js';
import type { InferenceRequest, InferenceResponse, ModelMetadata } from '../core/inference.js';
import type { ModelRuntime } from '../runtime/runtime.js';
import { batchKey, mergeRequests, rowsOf, splitResponse } from './batch-merge.js';

/** What the batcher reports to metrics; it never depends on them. */
export interface BatcherHooks {
  batch?(rows: number, requests: number): void;
  queued?(seconds: number): void;
  depth?(depth: number): void;
  shed?(reason: 'queue_full' | 'deadline'): void;
  /** A successful model call: rows, requests, and the seconds to merge, run and split. */
  executed?(rows: number, requests: number, mergeSeconds: number, callSeconds: number, splitSeconds: number): void;
}

interface Pending {
  request: InferenceRequest;
  key: string;
  rows: number;
  enqueued: number;
  resolve(response: InferenceResponse): void;
  reject(error: unknown): void;
}

/**
 * Adaptive batching (Triton's dynamic batcher, MLServer's AdaptiveBatcher): wraps a runtime and
 * is a runtime. Requests queue; one round of model calls runs at a time with whatever queued
 * meanwhile, in calls of up to maxBatchSize rows. With maxQueueDelayMicros = 0 the first request of an idle model goes at the
 * next event-loop turn (setImmediate) — it only waits for requests that arrived in the same turn,
 * so low load sees no added latency, while under load every call carries the backlog.
 * Measured (DESIGN.md): a fixed 1 ms timer halved throughput at 16 connections; this does not.
 */
export function createBatcher(
  inner: ModelRuntime,
  options: Settings['batching'],
  hooks: BatcherHooks = {},
  drainMs = 30_000,
): ModelRuntime {
  const queue: Pending[] = [];
  let running = false;
  /** Requests taken and not yet answered, queued or running; unload waits for them. */
  let inside = 0;
  let unloading = false;
  let drained: (() => void) | undefined;
  let scheduled = false;
  let delayTimer: NodeJS.Timeout | undefined;
  let sweeper: NodeJS.Timeout | undefined;

  /** While requests wait, answer 504 for those whose deadline passes (one timer per model, not per request). */
  const sweep = () => {
    const now = Date.now();
    for (let i = queue.length - 1; i >= 0; i--) {
      const pending = queue[i]!;
      if (pending.request.deadline !== undefined && pending.request.deadline <= now) {
        queue.splice(i, 1);
        hooks.shed?.('deadline');
        refuse(pending, errors.deadlineExceeded());
      }
    }
    if (queue.length === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const schedule = () => {
    if (running || queue.length === 0) return;
    if (scheduled) {
      // A partial batch waits out the queue delay; a full one goes at once (Triton's dynamic batcher).
      if (delayTimer !== undefined && queuedRows() >= options.maxBatchSize) {
        clearTimeout(delayTimer);
        delayTimer = undefined;
        setImmediate(flush);
      }
      return;
    }
    scheduled = true;
    const delayMs = options.maxQueueDelayMicros / 1000;
    if (delayMs <= 0 || queuedRows() >= options.maxBatchSize) setImmediate(flush);
    else delayTimer = setTimeout(flush, Math.max(0, delayMs - (performance.now() - queue[0]!.enqueued)));
  };

  const queuedRows = () => queue.reduce((sum, pending) => sum + pending.rows, 0);

  const flush = async () => {
    scheduled = false;
    clearTimeout(delayTimer);
    delayTimer = undefined;
    // A backlog beyond one batch goes as several model calls in this same turn: onnxruntime-node
    // defers each call to the next turn, so one call per turn let every turn's socket work (under
    // a flood, thousands of 503s) come between batches and starved the accepted requests.
    const batches: Pending[][] = [];
    for (let batch = take(); batch.length > 0; batch = take()) batches.push(batch);
    hooks.depth?.(queue.length);
    if (batches.length === 0) return schedule();
    running = true;
    const now = performance.now();
    for (const pending of batches.flat()) {
      hooks.queued?.((now - pending.enqueued) / 1000);
      pending.request.trace?.step('queue', undefined, pending.enqueued).end();
    }
    try {
      await Promise.all(batches.map(runBatch));
    } finally {
      running = false;
      schedule();
    }
  };

  /** The head request plus every compatible request behind it, within maxBatchSize rows. */
  const take = (): Pending[] => {
    const now = Date.now();
    const batch: Pending[] = [];
    let rows = 0;
    let key: string | undefined;
    for (let i = 0; i < queue.length;) {
      const pending = queue[i]!;
      if (pending.request.deadline !== undefined && pending.request.deadline <= now) {
        queue.splice(i, 1);
        hooks.shed?.('deadline');
        refuse(pending, errors.deadlineExceeded());
        continue;
      }
      key ??= pending.key;
      if (pending.key === key && (batch.length === 0 || rows + pending.rows <= options.maxBatchSize)) {
        queue.splice(i, 1);
        batch.push(pending);
        rows += pending.rows;
        if (rows >= options.maxBatchSize) break;
      } else i++;
    }
    return batch;
  };

  const runBatch = async (batch: Pending[]) => {
    if (batch.length === 1) return settle(batch[0]!);
    const rows = batch.reduce((sum, pending) => sum + pending.rows, 0);
    hooks.batch?.(rows, batch.length);
    const requests = batch.map((pending) => pending.request);
    let parts: InferenceResponse[] | undefined;
    const call = requests.find((request) => request.trace)?.trace!.modelCall(requests, rows);
    try {
      const started = performance.now();
      const merged = mergeRequests(requests);
      if (call) merged.call = call;
      const called = performance.now();
      const response = await inner.infer(merged);
      const answered = performance.now();
      parts = splitResponse(response, requests);
      hooks.executed?.(
        rows,
        batch.length,
        (called - started) / 1000,
        (answered - called) / 1000,
        (performance.now() - answered) / 1000,
      );
      call?.end(parts ? undefined : 'outputs not one row per input row');
    } catch (error) {
      call?.end(error);
      parts = undefined; // One bad request must not fail its neighbours: run them one by one.
    }
    if (parts) for (let index = 0; index < batch.length; index++) answer(batch[index]!, parts[index]!);
    else for (const pending of batch) await settle(pending);
  };

  const settle = async (pending: Pending) => {
    if (pending.rows > 0) hooks.batch?.(pending.rows, 1);
    const { request } = pending;
    const call = request.trace?.modelCall([request], pending.rows);
    if (call) request.call = call;
    try {
      const called = performance.now();
      const response = await inner.infer(request);
      hooks.executed?.(pending.rows, 1, 0, (performance.now() - called) / 1000, 0);
      call?.end();
      answer(pending, response);
    } catch (error) {
      call?.end(error);
      refuse(pending, error);
    }
  };

  const leave = () => {
    if (--inside === 0) drained?.();
  };
  // Every answer goes through these two, so a request needs no closures of its own to leave.
  const answer = (pending: Pending, response: InferenceResponse) => {
    leave();
    pending.resolve(response);
  };
  const refuse = (pending: Pending, error: unknown) => {
    leave();
    pending.reject(error);
  };

  return {
    load: () => inner.load(),
    metadata: () => inner.metadata(),
    /**
     * Takes no new request at once, and releases the model once those it holds are answered:
     * each has a deadline, so waiting at most `drainMs` (the request timeout) loses none.
     */
    async unload() {
      unloading = true;
      if (inside > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          drained = resolve;
          timer = setTimeout(resolve, drainMs).unref();
        });
        clearTimeout(timer);
      }
      await inner.unload();
    },
    infer(request) {
      if (unloading) return Promise.reject(errors.modelNotReady(inner.metadata().name));
      if (queue.length >= options.maxQueue) {
        hooks.shed?.('queue_full');
        return Promise.reject(withRetryAfter(errors.overloaded(inner.metadata().name, queue.length), 1));
      }
      inside++;
      return new Promise<InferenceResponse>((resolve, reject) => {
        queue.push({
          request,
          key: batchKey(request),
          rows: rowsOf(request),
          enqueued: performance.now(),
          resolve,
          reject,
        });
        hooks.depth?.(queue.length);
        // Requests waiting for their deadline keep the process alive until they are answered.
        sweeper ??= setInterval(sweep, sweepIntervalMs);
        schedule();
      });
    },
  };
}

const sweepIntervalMs = 25;

/** A model can be batched when every input and output has a variable first dimension. */
export function isBatchable({ inputs, outputs }: Pick<ModelMetadata, 'inputs' | 'outputs'>): boolean {
  return (
    inputs.length > 0 && [...inputs, ...outputs].every((tensor) => tensor.shape.length > 0 && tensor.shape[0] === -1)
  );
}
