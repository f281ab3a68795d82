// @ts-check
/**
 * A small SVG time-series chart: lines with gaps for missing points, a y axis with round ticks,
 * minute marks on the x axis, an optional dashed threshold, and an HTML legend with the latest
 * values. Only attributes and classes are set (no inline styles), so the page's
 * Content-Security-Policy needs no 'unsafe-inline'.
 *
 * @typedef {{ name: string, points: Array<[number, number | undefined]> }} Series
 * @typedef {{ id: string, label: string, format: (value: number) => string, min?: number, max?: number,
 *             threshold?: number, thresholdLabel?: string }} ChartOptions
 */

const svgNs = 'http://www.w3.org/2000/svg';
export const palette = [
  '#2563eb',
  '#16a34a',
  '#f59e0b',
  '#dc2626',
  '#9333ea',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#ea580c',
  '#4f46e5',
];
const margin = { top: 10, right: 12, bottom: 22, left: 52 };

/** @param {string} tag @param {Record<string, string | number>} attributes */
function svg(tag, attributes = {}) {
  const element = document.createElementNS(svgNs, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Round tick step for a span: 1, 2 or 5 × 10^n. @param {number} span @param {number} count */
export function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

export class LineChart {
  /** @param {HTMLElement} host @param {ChartOptions} options */
  constructor(host, options) {
    this.options = options;
    this.host = host;
    host.classList.add('chart');
    this.svg = svg('svg', { class: 'chart-svg', role: 'img', 'aria-label': options.label, 'data-chart': options.id });
    this.legend = document.createElement('ul');
    this.legend.className = 'legend';
    host.append(this.svg, this.legend);
    /** @type {Series[]} */
    this.series = [];
  }

  /** @param {Series[]} series @param {number} now @param {number} spanSeconds */
  update(series, now, spanSeconds) {
    this.series = series;
    const width = Math.max(200, Math.round(this.host.clientWidth || 400));
    const height = 170;
    const { min = 0, max, threshold, format } = this.options;
    const start = now - spanSeconds * 1000;
    const values = series.flatMap((entry) =>
      entry.points
        .filter(([t, v]) => t >= start && v !== undefined && Number.isFinite(v))
        .map(([, v]) => /** @type {number} */ (v)),
    );
    let top = Math.max(max ?? -Infinity, ...values, threshold === undefined ? -Infinity : threshold * 1.15);
    if (max !== undefined) top = max;
    if (!Number.isFinite(top) || top <= min) top = min + 1;
    const step = niceStep(top - min, 4);
    top = max ?? Math.ceil(top / step) * step;

    const plotW = width - margin.left - margin.right;
    const plotH = height - margin.top - margin.bottom;
    const x = (/** @type {number} */ t) => margin.left + ((t - start) / (spanSeconds * 1000)) * plotW;
    const y = (/** @type {number} */ v) =>
      margin.top + plotH - ((Math.min(Math.max(v, min), top) - min) / (top - min)) * plotH;

    const root = this.svg;
    root.replaceChildren();
    root.setAttribute('viewBox', `0 0 ${width} ${height}`);
    root.setAttribute('width', String(width));
    root.setAttribute('height', String(height));

    for (let tick = min; tick <= top + step / 1e6; tick += step) {
      root.append(
        svg('line', { class: 'gridline', x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick) }),
      );
      const label = svg('text', { class: 'axis', x: margin.left - 6, y: y(tick) + 4, 'text-anchor': 'end' });
      label.textContent = format(tick);
      root.append(label);
    }
    const tickSeconds = spanSeconds <= 90 ? 15 : spanSeconds <= 180 ? 30 : 60;
    for (let ago = 0; ago <= spanSeconds; ago += tickSeconds) {
      const t = now - ago * 1000;
      const label = svg('text', { class: 'axis', x: x(t), y: height - 6, 'text-anchor': ago === 0 ? 'end' : 'middle' });
      label.textContent = ago === 0 ? 'now' : ago % 60 === 0 ? `−${ago / 60}m` : `−${ago}s`;
      root.append(
        svg('line', { class: 'tick', x1: x(t), x2: x(t), y1: margin.top + plotH, y2: margin.top + plotH + 4 }),
        label,
      );
    }
    if (threshold !== undefined) {
      root.append(
        svg('line', {
          class: 'threshold',
          x1: margin.left,
          x2: width - margin.right,
          y1: y(threshold),
          y2: y(threshold),
        }),
      );
      const label = svg('text', {
        class: 'threshold-label',
        x: width - margin.right - 4,
        y: y(threshold) - 4,
        'text-anchor': 'end',
      });
      label.textContent = this.options.thresholdLabel ?? format(threshold);
      root.append(label);
    }

    this.legend.replaceChildren();
    series.forEach((entry, index) => {
      const color = palette[index % palette.length];
      const visible = entry.points.filter(([t]) => t >= start);
      let d = '';
      let pen = false;
      let drawn = 0;
      for (const [t, v] of visible) {
        if (v === undefined || !Number.isFinite(v)) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
        drawn++;
      }
      const last = [...visible].reverse().find(([, v]) => v !== undefined && Number.isFinite(v))?.[1];
      const path = svg('path', {
        class: 'line',
        d,
        stroke: color,
        'data-series': entry.name,
        'data-points': drawn,
        'data-last': last ?? '',
      });
      root.append(path);
      if (drawn === 1 && last !== undefined) {
        const [t] = /** @type {[number, number]} */ (visible.find(([, v]) => v !== undefined && Number.isFinite(v)));
        root.append(svg('circle', { cx: x(t), cy: y(last), r: 2.5, fill: color }));
      }
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = `swatch swatch-${index % palette.length}`;
      const name = document.createElement('span');
      name.textContent = entry.name;
      const value = document.createElement('b');
      value.textContent = last === undefined ? '–' : format(last);
      item.append(swatch, name, value);
      this.legend.append(item);
    });
    if (series.length === 0) {
      const empty = svg('text', {
        class: 'empty',
        x: margin.left + plotW / 2,
        y: margin.top + plotH / 2,
        'text-anchor': 'middle',
      });
      empty.textContent = 'no data yet';
      root.append(empty);
    }
  }
}
