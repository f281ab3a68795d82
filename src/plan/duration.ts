import { parseDuration } from '../core/duration.js';
import { errors } from '../core/errors.js';

/** Durations from the command line and from files (core/duration.ts), with an error naming where. */
export function parseDurationMs(text: string, where: string, bareUnit: 'ms' | 's' = 's'): number {
  const ms = parseDuration(text, bareUnit);
  if (ms === undefined) throw errors.badDuration(where, text);
  return ms;
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
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
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
