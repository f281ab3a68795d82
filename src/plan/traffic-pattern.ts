import { errors } from '../core/errors.js';
import { formatDuration, parseDurationSeconds } from './duration.js';

/**
 * Offered load over time, in requests/s. Patterns (docs/plan.md "Traffic"):
 *
 *   constant:100                                   100 req/s all the time
 *   diurnal:peak=400,trough=40[,period=24h]        a cosine day: trough at t = 0, peak at period/2
 *   spiky:base=50,peak=500,every=1h,duration=5m    base load; a square spike to `peak` lasting
 *                                                  `duration` at every multiple of `every` (first at t = every)
 *   traffic.csv                                    requests/s per minute (see parseTrafficCsv)
 */
export interface TrafficPattern {
  /** The spec as given, for reports. */
  spec: string;
  description: string;
  rpsAt(t: number): number;
  peak: number;
  /** Length of the pattern's natural cycle (a CSV's length); undefined = any length. */
  naturalDurationSeconds?: number;
}

function number(spec: string, key: string, raw: string | undefined): number {
  if (raw === undefined) throw errors.badTraffic(spec, `\`${key}\` is missing`);
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0)
    throw errors.badTraffic(spec, `\`${key}\` must be a number of requests/s ≥ 0, got \`${raw}\``);
  return value;
}

function duration(spec: string, key: string, raw: string | undefined, fallback?: number): number {
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw errors.badTraffic(spec, `\`${key}\` is missing`);
  }
  let seconds: number;
  try {
    seconds = parseDurationSeconds(raw, key);
  } catch {
    throw errors.badTraffic(spec, `\`${key}\` must be a duration such as 30s, 5m, 1h or 1h30m, got \`${raw}\``);
  }
  if (!(seconds > 0)) throw errors.badTraffic(spec, `\`${key}\` must be longer than 0`);
  return seconds;
}

/** `a=1,b=2` → {a:'1', b:'2'}, rejecting keys the pattern does not know. */
function parameters(spec: string, text: string, known: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (text.trim() === '') return out;
  for (const pair of text.split(',')) {
    const [key, value, extra] = pair.split('=').map((part) => part.trim());
    if (!key || value === undefined || extra !== undefined)
      throw errors.badTraffic(spec, `\`${pair}\` is not key=value`);
    if (!known.includes(key))
      throw errors.badTraffic(spec, `unknown parameter \`${key}\` (known: ${known.join(', ')})`);
    if (key in out) throw errors.badTraffic(spec, `\`${key}\` is given twice`);
    out[key] = value;
  }
  return out;
}

/** Parses a pattern spec (not a file: the caller reads CSV files and calls parseTrafficCsv). */
export function parseTraffic(spec: string): TrafficPattern {
  const colon = spec.indexOf(':');
  const kind = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  if (kind === 'constant') {
    const rps = number(
      spec,
      'rps',
      rest.includes('=') ? parameters(spec, rest, ['rps']).rps : rest.trim() || undefined,
    );
    return { spec, description: `constant ${rps} req/s`, rpsAt: () => rps, peak: rps };
  }
  if (kind === 'diurnal') {
    const p = parameters(spec, rest, ['peak', 'trough', 'period']);
    const peak = number(spec, 'peak', p.peak);
    const trough = number(spec, 'trough', p.trough);
    if (trough > peak) throw errors.badTraffic(spec, `\`trough\` (${trough}) is above \`peak\` (${peak})`);
    const period = duration(spec, 'period', p.period, 86_400);
    // Cosine, not sine: starts at the trough (midnight) and is smooth where it turns.
    const rpsAt = (t: number) => trough + ((peak - trough) * (1 - Math.cos((2 * Math.PI * t) / period))) / 2;
    return {
      spec,
      description: `diurnal ${trough}→${peak} req/s, period ${formatDuration(period)}`,
      rpsAt,
      peak,
      naturalDurationSeconds: period,
    };
  }
  if (kind === 'spiky') {
    const p = parameters(spec, rest, ['base', 'peak', 'every', 'duration']);
    const base = number(spec, 'base', p.base);
    const peak = number(spec, 'peak', p.peak);
    const every = duration(spec, 'every', p.every);
    const length = duration(spec, 'duration', p.duration);
    if (length >= every)
      throw errors.badTraffic(
        spec,
        `\`duration\` (${formatDuration(length)}) must be shorter than \`every\` (${formatDuration(every)})`,
      );
    // Square spikes: the harshest case for an autoscaler, since load jumps faster than any pod starts.
    const rpsAt = (t: number) => (t >= every && t % every < length ? peak : base);
    return {
      spec,
      description: `spiky ${base} req/s with ${formatDuration(length)} spikes to ${peak} req/s every ${formatDuration(every)}`,
      rpsAt,
      peak: Math.max(base, peak),
    };
  }
  throw errors.badTraffic(spec, `unknown pattern \`${kind}\``);
}

/**
 * A CSV of requests/s per minute: one value per line (`120`), or `minute,rps` pairs in order; a
 * first line that is not a number is a header; blank lines and `#` comments are skipped. Minute i
 * holds its value for 60 s (a step function: what was measured, nothing interpolated).
 */
export function parseTrafficCsv(text: string, path: string): TrafficPattern {
  const values: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/[,;\t]/).map((cell) => cell.trim());
    const cell = cells.at(-1)!;
    const value = Number(cell);
    if (cell === '' || !Number.isFinite(value)) {
      if (values.length === 0 && cells.some((c) => /[a-z]/i.test(c))) return; // header
      throw errors.badTrafficFile(path, index + 1, `\`${cell}\` is not a number`);
    }
    if (value < 0) throw errors.badTrafficFile(path, index + 1, `requests/s cannot be negative (${value})`);
    if (cells.length > 1) {
      const minute = Number(cells[0]);
      if (minute !== values.length)
        throw errors.badTrafficFile(path, index + 1, `minute ${cells[0]} is out of order (expected ${values.length})`);
    }
    values.push(value);
  });
  if (values.length === 0) throw errors.badTrafficFile(path, lines.length, 'the file has no values');
  const rpsAt = (t: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(t / 60)))]!;
  return {
    spec: path,
    description: `${path}: ${values.length} minutes, ${Math.min(...values)}–${Math.max(...values)} req/s`,
    rpsAt,
    peak: Math.max(...values),
    naturalDurationSeconds: values.length * 60,
  };
}

/** Does a --traffic value name a file rather than a pattern? */
export function isTrafficFile(spec: string): boolean {
  return /\.(csv|txt)$/i.test(spec) || spec.includes('/') || spec.includes('\\');
}
