import { errors } from '../core/errors.js';
import { parseDurationMs } from './duration.js';

/**
 * Command-line values of `berth bench` and `berth plan` (commander hands over strings): numbers
 * and durations with messages that name the flag. Absent stays undefined so defaults apply.
 */
export function numberFlag(value: unknown, flag: string, options: { integer?: boolean; min?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  const min = options.min ?? 0;
  if (String(value).trim() === '' || !Number.isFinite(parsed) || parsed < min || (options.integer && !Number.isInteger(parsed))) {
    throw errors.badPlanInput(flag, `must be ${options.integer ? 'a whole number' : 'a number'} ≥ ${min}, got \`${String(value)}\``);
  }
  return parsed;
}

export function secondsFlag(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  return parseDurationMs(String(value), flag, 's') / 1000;
}

/** Latencies: a bare number is milliseconds (`--slo-p99 50` = 50 ms). */
export function millisecondsFlag(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDurationMs(String(value), flag, 'ms');
  if (!(ms > 0)) throw errors.badPlanInput(flag, 'must be longer than 0');
  return ms;
}

/** `-H 'name: value'` pairs → a header object. */
export function headerFlags(values: unknown): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const item of values as string[]) {
    const colon = item.indexOf(':');
    if (colon <= 0) throw errors.badPlanInput('--header', `\`${item}\` must look like \`name: value\``);
    headers[item.slice(0, colon).trim().toLowerCase()] = item.slice(colon + 1).trim();
  }
  return headers;
}
