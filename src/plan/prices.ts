import { parse } from 'yaml';
import { errors } from '../core/errors.js';
import { defaultPrices, type PriceCatalogue } from './cost.js';

/**
 * A `--prices` file: YAML with any part of the catalogue, the rest from the default catalogue (cost.ts).
 * Unknown keys are errors, so a typo cannot silently leave a default price in place.
 *
 *   currency: EUR
 *   pod: { hourly: 0.08 }
 *   vm: { name: e2-standard-2, monthly: 49, vcpu: 2 }
 */
export function parsePrices(text: string, path: string): PriceCatalogue {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw errors.badPrices(path, '(file)', `is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) return structuredClone(defaultPrices);
  const prices = merge(
    structuredClone(defaultPrices) as unknown as Record<string, unknown>,
    raw,
    path,
    '',
  ) as unknown as PriceCatalogue;
  // A report must not credit the default catalogue's source for prices the user changed.
  if (!('source' in (raw as object))) prices.source = `${path} (unset prices from ${defaultPrices.source})`;
  return prices;
}

function merge(base: Record<string, unknown>, raw: unknown, path: string, prefix: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw errors.badPrices(path, prefix || '(file)', 'must be a mapping');
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const where = prefix ? `${prefix}.${key}` : key;
    if (!(key in base))
      throw errors.badPrices(path, where, `is not a price setting; known: ${Object.keys(base).join(', ')}`);
    const current = base[key];
    if (typeof current === 'object' && current !== null) {
      base[key] = merge(current as Record<string, unknown>, value, path, where);
    } else if (typeof current === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        throw errors.badPrices(path, where, `must be a number ≥ 0, got ${JSON.stringify(value)}`);
      if ((where === 'hoursPerMonth' || where === 'pod.cpu' || where === 'vm.vcpu') && value === 0)
        throw errors.badPrices(path, where, 'must be more than 0');
      base[key] = value;
    } else {
      if (typeof value !== 'string' || value === '')
        throw errors.badPrices(path, where, `must be a non-empty string, got ${JSON.stringify(value)}`);
      base[key] = value;
    }
  }
  return base;
}
