import { errors } from '../core/errors.js';

/**
 * Durations as people write them on a command line: `50ms`, `30s`, `5m`, `1h30m`, `2d`. A bare
 * number is read in `bareUnit` (seconds for periods, milliseconds for latencies) so `--slo-p99 50`
 * means what a reader of the flag expects.
 */
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(text: string, where: string, bareUnit: 'ms' | 's' = 's'): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * unitMs[bareUnit]!;
  const parts = trimmed.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g);
  if (!parts || parts.join('') !== trimmed) throw errors.badDuration(where, text);
  let total = 0;
  for (const part of parts) {
    const [, value, unit] = part.match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/)!;
    total += Number(value) * unitMs[unit!]!;
  }
  return total;
}

export function parseDurationSeconds(text: string, where: string): number {
  return parseDurationMs(text, where, 's') / 1000;
}

/** 90 → `1m30s`, 86400 → `24h`: the shortest exact spelling, for summaries. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  let rest = Math.round(seconds);
  let out = '';
  for (const [unit, size] of [['h', 3600], ['m', 60], ['s', 1]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out;
}

/** Seconds since the start as a clock, `13:05` (or `1d 13:05` past a day), for timelines. */
export function formatClock(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const clock = `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}
