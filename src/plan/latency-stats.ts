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
    if (this.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
    const sorted = this.values.slice(0, this.length).sort();
    const at = (p: number) => sorted[Math.min(this.length - 1, Math.max(0, Math.ceil((p / 100) * this.length) - 1))]!;
    let sum = 0;
    for (const value of sorted) sum += value;
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return { p50: round(at(50)), p90: round(at(90)), p99: round(at(99)), max: round(sorted[this.length - 1]!), mean: round(sum / this.length) };
  }
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}
