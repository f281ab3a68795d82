/**
 * Kubernetes resource quantities (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/),
 * only as far as Berth needs them: CPU in millicores and memory in bytes, to compare what a user
 * asked for with what the model was measured to need. Pure.
 */
const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3 };

const pattern = /^([+]?[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/;

/** The quantity's value in base units (cores, bytes); undefined if it is not a quantity. */
export function parseQuantity(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined;
  const match = pattern.exec(text.trim());
  if (!match) return undefined;
  const suffix = match[2] ?? '';
  const scale = binary[suffix] ?? decimal[suffix]!;
  return Number(match[1]) * scale;
}

export const mebibytes = (bytes: number) => bytes / 2 ** 20;

/** Memory as the canonical `NMi` string. */
export function formatMiB(mib: number): string {
  return `${Math.ceil(mib)}Mi`;
}

/** Rounds MiB up to a multiple of `step`. */
export function roundUpMiB(mib: number, step: number): number {
  return Math.ceil(mib / step) * step;
}

/** Is this text a valid memory/CPU quantity for the API server? */
export function isQuantity(text: string): boolean {
  return parseQuantity(text) !== undefined;
}
