/**
 * Durations as people write them: `50ms`, `30s`, `5m`, `1h30m`, `2d`. A bare number is read in
 * `bareUnit` (seconds for periods, milliseconds for latencies) so `--slo-p99 50` means what a
 * reader of the flag expects. Milliseconds, or undefined when the text is not a duration.
 */
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, bareUnit: 'ms' | 's' = 's'): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * unitMs[bareUnit]!;
  const parts = trimmed.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g);
  if (!parts || parts.join('') !== trimmed) return undefined;
  let total = 0;
  for (const part of parts) {
    const [, value, unit] = part.match(/^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/)!;
    total += Number(value) * unitMs[unit!]!;
  }
  return total;
}
