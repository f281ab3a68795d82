import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import type { ParityTolerance } from '../core/parity-report.js';

/** `--tolerance abs=1e-4 rel=1e-3 agreement=0.99` over the defaults (defaults.import.tolerance). */
export function parseTolerance(items: readonly string[] = []): ParityTolerance {
  const tolerance: ParityTolerance = { ...defaults.import.tolerance };
  for (const item of items.flatMap((entry) => entry.split(','))) {
    const match = /^\s*(abs|rel|agreement)\s*=\s*(\S+)\s*$/.exec(item);
    const value = Number(match?.[2]);
    if (!match || !Number.isFinite(value) || value < 0 || (match[1] === 'agreement' && value > 1))
      throw errors.importBadTolerance(item);
    tolerance[match[1] as keyof ParityTolerance] = value;
  }
  return tolerance;
}
