// @ts-check
/** Number formats for axes, legends and tables. */

/** @param {number} value */
export function compact(value) {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return trim(value, 1);
  if (abs >= 0.01) return trim(value, 2);
  return value.toPrecision(2);
}

/** @param {number} value @param {number} [digits] */
function trim(value, digits = 1) {
  return value.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1');
}

/** Seconds → "0.8 ms", "12 ms", "1.2 s". @param {number} seconds */
export function duration(seconds) {
  if (seconds >= 1) return `${trim(seconds, 2)} s`;
  const ms = seconds * 1000;
  return `${ms >= 10 ? ms.toFixed(0) : trim(ms, ms >= 1 ? 1 : 2)} ms`;
}

/** Milliseconds on a chart axis. @param {number} ms */
export const ms = (ms) => `${compact(ms)} ms`;

/** A 0–1 ratio as a percentage. @param {number} ratio */
export function percent(ratio) {
  const value = ratio * 100;
  return `${value === 0 ? '0' : value >= 10 ? value.toFixed(0) : trim(value, value >= 1 ? 1 : 2)}%`;
}

/** @param {number} bytes */
export function bytes(bytes) {
  return bytes >= 2 ** 30 ? `${trim(bytes / 2 ** 30, 2)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** p-values span many orders of magnitude. @param {number | null | undefined} p */
export function pValue(p) {
  if (p === null || p === undefined) return '–';
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

/** @param {number | null | undefined} value @param {number} [digits] */
export function fixed(value, digits = 3) {
  return value === null || value === undefined ? '–' : value.toFixed(digits);
}
