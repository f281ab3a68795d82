/**
 * The shortest decimal (6 to 9 significant digits) that reads back as the same float32: people
 * read the row dialects, and 0.95 is kinder than 0.9500001668930054 (which is the same float32).
 *
 * Every probability of every answered row comes through here. The plain way, `toPrecision(6…9)`
 * and a parse until one reads back, cost ~145 ns a value (~2.5% of a one-row /predict); scaling by
 * an exact power of ten and rounding gives the same candidates in a few floating-point operations.
 * The candidate for `digits` is the double nearest N × 10^(exponent − digits + 1), N the rounded
 * digits: one correctly rounded multiplication or division of exact operands (N < 2^53, powers of
 * ten up to 1e22), which is what parsing `toPrecision`'s text gives. N is the one `toPrecision`
 * picks whenever the scaled value is not within 1e-6 of a half (its rounding error is under 1.2e-7
 * below 1e9); the rest — near-ties, magnitudes outside 1e-13…1e14, near a power of ten — take the
 * plain way.
 */
export function shortestFloat32(value: number): number {
  // Integers (a forest's 0 and 1) are already shortest.
  if (Number.isInteger(value) || !Number.isFinite(value) || Math.fround(value) !== value) return value;
  return byScaling(value) ?? byPrecision(value);
}

/** Exact doubles: 10^22 is the largest power of ten a double holds exactly. */
const powersOfTen = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

function byScaling(value: number): number | undefined {
  const magnitude = value < 0 ? -value : value;
  const exponent = Math.floor(Math.log10(magnitude));
  if (exponent < -13 || exponent > 13) return undefined;
  // Six digits must land in [1e5, 1e6), clear of both ends, or log10 was off near a power of ten.
  const six = scaled(magnitude, 5 - exponent);
  if (!(six > 100_000.000_001 && six < 999_999.999_999)) return undefined;
  for (let digits = 6; digits <= 9; digits++) {
    const shift = digits - 1 - exponent;
    const x = digits === 6 ? six : scaled(magnitude, shift);
    const fraction = x - Math.floor(x);
    if (fraction > 0.499_999 && fraction < 0.500_001) return undefined;
    const n = Math.round(x);
    const candidate = shift >= 0 ? n / powersOfTen[shift]! : n * powersOfTen[-shift]!;
    const signed = value < 0 ? -candidate : candidate;
    if (digits === 9 || Math.fround(signed) === value) return signed;
  }
  return undefined;
}

function scaled(magnitude: number, shift: number): number {
  return shift >= 0 ? magnitude * powersOfTen[shift]! : magnitude / powersOfTen[-shift]!;
}

/** The plain way, and the definition `byScaling` follows. */
export function byPrecision(value: number): number {
  for (let digits = 6; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}
