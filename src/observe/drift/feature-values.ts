/**
 * How raw feature values (from CSV cells, JSON bodies or tensors) become numbers or category
 * keys. Profile and live window use these same functions, so "1.0" in a CSV and 1 in a request
 * land in the same bucket.
 */

// Spellings of "no value" that CSV exports (pandas, R, spreadsheets) write.
const missingSpellings = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '#n/a']);

export function isMissing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  if (typeof value === 'string') return missingSpellings.has(value.trim().toLowerCase());
  return false;
}

/** The number a value stands for, or NaN when it is missing or not numeric. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    if (isMissing(value)) return Number.NaN;
    const parsed = Number(value.trim());
    return parsed;
  }
  return Number.NaN;
}

/** True when a non-missing value reads as a number. */
export function isNumeric(value: unknown): boolean {
  return !Number.isNaN(toNumber(value));
}

/**
 * Category key of a value, or null when missing. `numericKeys` canonicalises numbers ("1.0",
 * 1 and true all become "1") for categorical columns whose values are numbers.
 */
export function toCategory(value: unknown, numericKeys: boolean): string | null {
  if (isMissing(value)) return null;
  if (numericKeys) {
    const number = toNumber(value);
    return Number.isNaN(number) ? String(value) : String(number);
  }
  return typeof value === 'string' ? value : String(value);
}
