import { defaults } from '../core/defaults.js';
import { formatClock } from './duration.js';

/**
 * plan.svg: offered load and served capacity (requests/s, left axis) and replicas (right axis) over
 * time, with the minutes where load exceeded capacity shaded. Pure: returns the SVG text; a
 * self-contained file with no scripts, fonts or external references, readable in any browser.
 */
export interface ChartInput {
  title: string;
  subtitle?: string;
  stepSeconds: number;
  offered: ArrayLike<number>;
  /** Requests/s the ready pods can serve within the SLO. */
  capacity: ArrayLike<number>;
  replicas: ArrayLike<number>;
  atRisk: ArrayLike<number>;
  /** Points per series after downsampling. */
  points?: number;
}

const width = 960;
const height = 440;
const margin = { left: 70, right: 70, top: 78, bottom: 50 };
const colors = {
  offered: '#1f77b4',
  capacity: '#2ca02c',
  replicas: '#ff7f0e',
  risk: '#d62728',
  grid: '#e5e5e5',
  text: '#333333',
};

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** 1, 2, 2.5 or 5 × 10^n at or above value, so axis labels are round. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 2.5, 5, 10]) if (factor * power >= value - 1e-9) return factor * power;
  return 10 * power;
}

interface Buckets {
  seconds: number;
  offered: number[];
  capacity: number[];
  replicas: number[];
  risk: boolean[];
}

/** Max load, min capacity, max replicas per bucket: a downsampled chart never hides a shortfall. */
function bucket(input: ChartInput): Buckets {
  const steps = input.offered.length;
  const wanted = input.points ?? defaults.plan.simulation.chartPoints;
  const per = Math.max(1, Math.ceil(steps / wanted));
  const out: Buckets = { seconds: per * input.stepSeconds, offered: [], capacity: [], replicas: [], risk: [] };
  for (let start = 0; start < steps; start += per) {
    let offered = 0;
    let capacity = Number.POSITIVE_INFINITY;
    let replicas = 0;
    let risk = false;
    for (let i = start; i < Math.min(steps, start + per); i += 1) {
      offered = Math.max(offered, input.offered[i]!);
      capacity = Math.min(capacity, input.capacity[i]!);
      replicas = Math.max(replicas, input.replicas[i]!);
      risk ||= input.atRisk[i]! > 0;
    }
    out.offered.push(offered);
    out.capacity.push(capacity);
    out.replicas.push(replicas);
    out.risk.push(risk);
  }
  return out;
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

function stepPath(values: number[], x: (i: number) => number, y: (v: number) => number): string {
  const parts: string[] = [];
  values.forEach((value, i) => {
    parts.push(`${i === 0 ? 'M' : 'L'}${fmt(x(i))},${fmt(y(value))}`, `L${fmt(x(i + 1))},${fmt(y(value))}`);
  });
  return parts.join(' ');
}

/** hh:mm up to two days (24:00 reads better than 1d 00:00 at the end of a day), then days. */
function timeLabel(seconds: number, total: number): string {
  if (total > 2 * 86_400) return formatClock(seconds);
  return `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}`;
}

function timeTickSeconds(total: number): number {
  for (const candidate of [60, 300, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800]) {
    if (total / candidate <= 12) return candidate;
  }
  return 604_800 * Math.ceil(total / (12 * 604_800));
}

export function renderPlanChart(input: ChartInput): string {
  const b = bucket(input);
  const n = b.offered.length;
  const total = n * b.seconds;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const rpsMax = niceCeiling(Math.max(1, ...b.offered, ...b.capacity.filter(Number.isFinite)));
  const podMax = niceCeiling(Math.max(1, ...b.replicas));
  const x = (i: number) => margin.left + (i / Math.max(1, n)) * plotW;
  const yRps = (v: number) => margin.top + plotH - (Math.min(v, rpsMax) / rpsMax) * plotH;
  const yPods = (v: number) => margin.top + plotH - (v / podMax) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img" aria-label="${escapeXml(input.title)}">`,
  );
  out.push(`<title>${escapeXml(input.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(
    `<text x="${margin.left}" y="22" font-size="16" font-weight="bold" fill="${colors.text}">${escapeXml(input.title)}</text>`,
  );
  if (input.subtitle)
    out.push(`<text x="${margin.left}" y="40" fill="${colors.text}">${escapeXml(input.subtitle)}</text>`);

  // Shaded minutes at risk, drawn first so the lines stay on top.
  const risk: string[] = [];
  for (let i = 0; i < n; i += 1) {
    if (!b.risk[i]) continue;
    let j = i;
    while (j + 1 < n && b.risk[j + 1]) j += 1;
    risk.push(
      `<rect class="risk" x="${fmt(x(i))}" y="${margin.top}" width="${fmt(Math.max(1, x(j + 1) - x(i)))}" height="${plotH}" fill="${colors.risk}" fill-opacity="0.15"/>`,
    );
    i = j;
  }
  out.push(`<g id="at-risk">${risk.join('')}</g>`);

  // Grid and axes.
  const axis: string[] = [];
  for (let k = 0; k <= 5; k += 1) {
    const v = (rpsMax * k) / 5;
    const y = yRps(v);
    axis.push(
      `<line x1="${margin.left}" y1="${fmt(y)}" x2="${margin.left + plotW}" y2="${fmt(y)}" stroke="${colors.grid}"/>`,
    );
    axis.push(
      `<text x="${margin.left - 8}" y="${fmt(y + 4)}" text-anchor="end" fill="${colors.offered}">${fmt(v)}</text>`,
    );
    axis.push(
      `<text x="${margin.left + plotW + 8}" y="${fmt(yPods((podMax * k) / 5) + 4)}" fill="${colors.replicas}">${fmt((podMax * k) / 5)}</text>`,
    );
  }
  const tick = timeTickSeconds(total);
  for (let s = 0; s <= total + 1e-9; s += tick) {
    const px = margin.left + (s / Math.max(1, total)) * plotW;
    axis.push(
      `<line x1="${fmt(px)}" y1="${margin.top + plotH}" x2="${fmt(px)}" y2="${margin.top + plotH + 5}" stroke="${colors.text}"/>`,
    );
    axis.push(
      `<text x="${fmt(px)}" y="${margin.top + plotH + 18}" text-anchor="middle" fill="${colors.text}">${timeLabel(s, total)}</text>`,
    );
  }
  axis.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="${colors.text}"/>`,
  );
  axis.push(
    `<text x="18" y="${margin.top + plotH / 2}" transform="rotate(-90 18 ${margin.top + plotH / 2})" text-anchor="middle" fill="${colors.text}">requests/s</text>`,
  );
  axis.push(
    `<text x="${width - 14}" y="${margin.top + plotH / 2}" transform="rotate(90 ${width - 14} ${margin.top + plotH / 2})" text-anchor="middle" fill="${colors.text}">replicas</text>`,
  );
  axis.push(
    `<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle" fill="${colors.text}">time (hh:mm from start)</text>`,
  );
  out.push(`<g id="axes">${axis.join('')}</g>`);

  out.push(
    `<path id="capacity" d="${stepPath(b.capacity, x, yRps)}" fill="none" stroke="${colors.capacity}" stroke-width="2"/>`,
  );
  out.push(
    `<path id="offered" d="${stepPath(b.offered, x, yRps)}" fill="none" stroke="${colors.offered}" stroke-width="1.5"/>`,
  );
  out.push(
    `<path id="replicas" d="${stepPath(b.replicas, x, yPods)}" fill="none" stroke="${colors.replicas}" stroke-width="1.5" stroke-dasharray="5 3"/>`,
  );

  const legend = [
    ['offered load (req/s)', colors.offered, ''],
    ['capacity of ready pods (req/s)', colors.capacity, ''],
    ['replicas (right axis)', colors.replicas, '5 3'],
  ] as const;
  const items: string[] = [];
  let lx = margin.left;
  for (const [label, color, dash] of legend) {
    items.push(
      `<line x1="${lx}" y1="60" x2="${lx + 24}" y2="60" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/><text x="${lx + 30}" y="64" fill="${colors.text}">${escapeXml(label)}</text>`,
    );
    lx += 40 + label.length * 6.5;
  }
  items.push(
    `<rect x="${lx}" y="54" width="24" height="12" fill="${colors.risk}" fill-opacity="0.15"/><text x="${lx + 30}" y="64" fill="${colors.text}">SLO at risk</text>`,
  );
  out.push(`<g id="legend">${items.join('')}</g>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
