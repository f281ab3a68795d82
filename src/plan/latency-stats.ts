/**
 * Every response time of a run, kept exactly (a Float64Array grows as needed), so percentiles
 * merge across the staggered autocannon instances of a fixed-rate run without histogram error.
 * A million samples is 8 MB, far more than a bench step produces.
 */
export class LatencyRecorder {
  private values = new Float64Array(4096);
  private length = 0;

  add(ms: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = ms;
  }

  get count(): number {
    return this.length;
  }

  /** Nearest-rank percentiles (the smallest value with at least p% of samples at or below it). */
  summary(): LatencySummary {
    if (this.length === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    const sorted = this.values.slice(0, this.length).sort();
    // The rank is rounded down by a hair first: 99.9 / 100 × 1000 is 999.0000000000001 in floating point.
    const at = (p: number) =>
      sorted[Math.min(this.length - 1, Math.max(0, Math.ceil((p / 100) * this.length - 1e-9) - 1))]!;
    let sum = 0;
    for (const value of sorted) sum += value;
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return {
      p50: round(at(50)),
      p90: round(at(90)),
      p99: round(at(99)),
      p999: round(at(99.9)),
      max: round(sorted[this.length - 1]!),
      mean: round(sum / this.length),
    };
  }
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  /** p99.9: with 64 requests in flight, the one-in-a-thousand stall a p99 averages away. */
  p999: number;
  max: number;
  mean: number;
}
