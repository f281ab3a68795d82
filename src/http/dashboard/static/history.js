// @ts-check
/**
 * Time series kept for the charts: per chart, per series name, [time ms, value] points no older
 * than `historySeconds`. A series that stops receiving points keeps its old ones until they age out.
 */
export class History {
  /** @param {number} historySeconds */
  constructor(historySeconds) {
    this.historyMs = historySeconds * 1000;
    /** @type {Map<string, Map<string, Array<[number, number | undefined]>>>} */
    this.charts = new Map();
  }

  /** @param {string} chart @param {string} series @param {number} t @param {number | undefined} value */
  push(chart, series, t, value) {
    let bySeries = this.charts.get(chart);
    if (!bySeries) this.charts.set(chart, (bySeries = new Map()));
    let points = bySeries.get(series);
    if (!points) bySeries.set(series, (points = []));
    points.push([t, value]);
    while (points.length > 0 && points[0][0] < t - this.historyMs) points.shift();
  }

  /** The chart's series in insertion order, without those that aged out entirely. @param {string} chart @param {number} now */
  series(chart, now) {
    const bySeries = this.charts.get(chart);
    if (!bySeries) return [];
    const out = [];
    for (const [name, points] of bySeries) {
      while (points.length > 0 && points[0][0] < now - this.historyMs) points.shift();
      if (points.length === 0) bySeries.delete(name);
      else out.push({ name, points });
    }
    return out;
  }
}
