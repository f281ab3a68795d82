/**
 * Cumulative counters for one served model version, in the terms of Triton's statistics extension
 * (extension_statistics.md): requests and rows that succeeded or failed, time queued, and per model
 * call ("execution") the time to merge the batch (compute_input), run the model (compute_infer) and
 * split its answer (compute_output). Plain numbers updated in place: nothing is allocated per
 * request, and a new batch size costs one Map entry (sizes are bounded by limits.maxRows).
 */

/** A count and the total nanoseconds it took (Triton's StatisticDuration). */
export interface DurationStat {
  count: number;
  ns: number;
}

/** Model calls of one batch size: computeInfer.count is how many there were. */
export interface BatchStat {
  computeInput: DurationStat;
  computeInfer: DurationStat;
  computeOutput: DurationStat;
}

const duration = (): DurationStat => ({ count: 0, ns: 0 });

export class InferenceStats {
  /** Epoch milliseconds of the last request answered (0: none yet). */
  lastInference = 0;
  /** Rows of successful requests: a request of 64 rows counts 64. */
  inferenceCount = 0;
  /** Successful model calls; with adaptive batching one call serves several requests. */
  executionCount = 0;
  readonly success = duration();
  readonly fail = duration();
  readonly queue = duration();
  readonly computeInput = duration();
  readonly computeInfer = duration();
  readonly computeOutput = duration();
  /** By rows per model call. */
  readonly batches = new Map<number, BatchStat>();

  /** Forgets everything: the warm-up and reference runs at load time are no client's requests. */
  reset(): void {
    this.lastInference = this.inferenceCount = this.executionCount = 0;
    for (const stat of [this.success, this.fail, this.queue, this.computeInput, this.computeInfer, this.computeOutput])
      stat.count = stat.ns = 0;
    this.batches.clear();
  }

  /** A request's outcome, timed from decode to answer. */
  request(ok: boolean, rows: number, seconds: number): void {
    this.lastInference = Date.now();
    const target = ok ? this.success : this.fail;
    target.count++;
    target.ns += seconds * 1e9;
    if (ok) this.inferenceCount += rows;
  }

  /** Time one request waited for its model call. */
  queued(seconds: number): void {
    this.queue.count++;
    this.queue.ns += seconds * 1e9;
  }

  /**
   * One successful model call for `requests` requests holding `rows` rows. Each request counts the
   * call's durations in inference_stats, as Triton does; batch_stats count the call once.
   */
  executed(rows: number, requests: number, inputSeconds: number, inferSeconds: number, outputSeconds: number): void {
    this.executionCount++;
    add(this.computeInput, requests, inputSeconds * requests);
    add(this.computeInfer, requests, inferSeconds * requests);
    add(this.computeOutput, requests, outputSeconds * requests);
    let batch = this.batches.get(rows);
    if (!batch)
      this.batches.set(
        rows,
        (batch = { computeInput: duration(), computeInfer: duration(), computeOutput: duration() }),
      );
    add(batch.computeInput, 1, inputSeconds);
    add(batch.computeInfer, 1, inferSeconds);
    add(batch.computeOutput, 1, outputSeconds);
  }
}

function add(stat: DurationStat, count: number, seconds: number): void {
  stat.count += count;
  stat.ns += seconds * 1e9;
}
