import type { InferenceObserver, InferenceRequest, InferenceResponse } from '../core/inference.js';
import type { InferenceStats } from '../pipeline/inference-stats.js';

/** The version that answered: its name and its statistics-extension counters. */
export interface ObservedVersion {
  version: string;
  stats: InferenceStats;
}

/**
 * Counts and reports one client or feedback inference, succeeded or failed: time from the request
 * reaching the version (queueing included) to its answer, rows, outcome, to the version's counters
 * and to `emit` (metrics, drift, payload log). Observers only learn; they never change the request
 * or the answer. The data plane calls it around its one call of the version's runtime: a runtime
 * of its own around the version's cost an async layer more on every request (bench/results/request-path-cpu.md).
 */
export function reportInference(
  emit: InferenceObserver,
  model: string,
  { version, stats }: ObservedVersion,
  request: InferenceRequest,
  rows: number,
  started: number,
  /** Undefined when the inference failed, with `error`. */
  response: InferenceResponse | undefined,
  error?: unknown,
): void {
  const seconds = (performance.now() - started) / 1000;
  const requestId = request.requestId ?? request.id;
  if (response) {
    stats.request(true, rows, seconds);
    emit({ model, version, rows, seconds, request, response, requestId });
  } else {
    stats.request(false, rows, seconds);
    emit({ model, version, rows, seconds, request, error, requestId });
  }
}
