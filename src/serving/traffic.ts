import { elementCount } from '../core/tensor.js';
import type { InferenceResponse, ModelMetadata } from '../core/inference.js';
import type { ServedModel } from './model-set.js';

/**
 * Canary routing: a fixed share of requests goes to the candidate version. With a request id the
 * choice is a hash of it, so a client retrying with the same X-Request-Id gets the same version
 * (sticky); without one it is random. Only ready versions are chosen.
 */
export function chooseVersion(
  model: ServedModel,
  stickyKey: string | undefined,
  random: () => number = Math.random,
): string | undefined {
  const canary = model.traffic?.canary;
  if (!canary || canary.percent <= 0 || model.versions.get(canary.version)?.state !== 'ready') return model.current;
  const bucket = stickyKey ? (fnv1a(stickyKey) % 10_000) / 100 : random() * 100;
  return bucket < canary.percent ? canary.version : model.current;
}

/** FNV-1a, 32 bit: a fast, well-spread hash for bucketing request ids. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Does the shadow agree with the primary? Classifiers: the same predicted class for every row.
 * Otherwise: every shared output within 1e-5 relative (+1e-6 absolute) elementwise.
 */
export function responsesAgree(
  primary: InferenceResponse,
  shadow: InferenceResponse,
  metadata: ModelMetadata,
): boolean {
  const labelName = metadata.classifier?.labelOutput;
  const outputs = labelName ? primary.outputs.filter((output) => output.name === labelName) : primary.outputs;
  for (const output of outputs) {
    const other = shadow.outputs.find((candidate) => candidate.name === output.name);
    if (!other || other.datatype !== output.datatype || elementCount(other.shape) !== elementCount(output.shape))
      return false;
    for (let i = 0; i < output.data.length; i++) {
      const a = output.data[i] as number | bigint | string;
      const b = other.data[i] as number | bigint | string;
      if (typeof a === 'number' && typeof b === 'number') {
        if (Math.abs(a - b) > 1e-6 + 1e-5 * Math.abs(a) && !(Number.isNaN(a) && Number.isNaN(b))) return false;
      } else if (a !== b) return false;
    }
  }
  return true;
}
