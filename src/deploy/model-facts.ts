/**
 * What the manifests need to know about a model: who it is (name, version, sha256) and what it
 * costs to start (measured load time and peak memory). Produced by `measureModel` from the ONNX
 * file, by flags (`--load-seconds`, `--peak-rss-mb`), or left unknown (then defaults are assumed
 * and a warning says so).
 */
export interface ModelFacts {
  /** Model name as registered or written in berth.yaml (may contain `_` and `.`). */
  name: string;
  /** Registry version, berth.yaml `model.version`, or `1` for an unregistered file (core/locate-model.ts). */
  version: string;
  /** sha256 (hex) of model.onnx. */
  sha256: string;
  /** Seconds from process start until the server has loaded the model and is ready. */
  loadSeconds?: number;
  /** Peak resident set size of a Berth server under the largest requests its settings allow (measure-model.ts). */
  peakRssBytes?: number;
  /** The load the peak was measured under, for `--json` and the warning that states it. */
  load?: { rows: number; bodyBytes: number; requests: number; concurrency: number; statuses: Record<string, number> };
  /** Where loadSeconds / peakRssBytes came from; shown in warnings and `--json`. */
  measuredBy: 'child-process' | 'flags' | 'none';
}

export interface FactOverrides {
  loadSeconds?: number;
  peakRssMb?: number;
}

/** Flags win over a measurement: the user may have profiled a realistic batch themselves. */
export function withOverrides(facts: ModelFacts, overrides: FactOverrides): ModelFacts {
  const out = { ...facts };
  if (overrides.loadSeconds !== undefined) out.loadSeconds = overrides.loadSeconds;
  if (overrides.peakRssMb !== undefined) out.peakRssBytes = overrides.peakRssMb * 2 ** 20;
  if (overrides.loadSeconds !== undefined || overrides.peakRssMb !== undefined) out.measuredBy = 'flags';
  return out;
}

/** The tag part of an image reference (after the last ':' that is not part of a registry port). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}
