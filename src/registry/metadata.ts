import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errors } from '../core/errors.js';
import type { ParityReport } from '../core/parity-report.js';
import type { TensorSpec } from '../core/tensor.js';
import { metadataFileName, versionDir } from './layout.js';

/**
 * What a registered version records about itself, in `<name>/<version>/berth-version.json`.
 * Written once, before the version becomes visible, and never changed (immutable versions are what
 * make `rollback` unambiguous, the seed's complaint about MLflow stages).
 */
export interface VersionMetadata {
  /** Bumped when the file's shape changes incompatibly. */
  format: 1;
  name: string;
  version: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  description?: string;
  /** sha256 (hex) of model.onnx: the runtime refuses a file that does not match. */
  sha256: string;
  bytes: number;
  /** Every file of the version with its hash, for `verify` (model.onnx, berth.yaml). */
  files: Record<string, { sha256: string; bytes: number }>;
  /** Where the artifact was registered from (informational). */
  source: string;
  signature: ModelSignature;
  producer: { name: string; version: string };
  /** ONNX opset per domain (`ai.onnx`, `ai.onnx.ml`). */
  opsets: Record<string, number>;
  metrics: Record<string, number>;
  params: Record<string, string>;
  /** From berth.yaml `model:` when a folder was registered. */
  features?: string[];
  labels?: string[];
  /** Per-feature reference statistics for drift detection (`--reference-data`). */
  reference?: { source: string; profile: unknown };
  /** How `berth import` converted the model and the parity it proved (`berth import --register`). */
  parity?: ParityReport;
}

/** Inputs and outputs as the Open Inference Protocol describes them (datatype, shape with -1). */
export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** Facts read from the ONNX file itself; supplied by the caller (registry does not load models). */
export interface ModelFacts {
  signature: ModelSignature;
  producer: { name: string; version: string };
  opsets: Record<string, number>;
}

/** Reads a model file and describes it; the CLI passes one built on the ONNX runtime. */
export type DescribeModel = (path: string) => Promise<ModelFacts>;

export async function readVersionMetadata(repo: string, name: string, version: number): Promise<VersionMetadata> {
  const path = join(versionDir(repo, name, version), metadataFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw errors.versionCorrupt(name, version, `${metadataFileName} is missing`);
  }
  try {
    return JSON.parse(text) as VersionMetadata;
  } catch {
    throw errors.versionCorrupt(name, version, `${metadataFileName} is not valid JSON`);
  }
}

/** `--metrics accuracy=0.97 f1=0.95` → numbers; anything else is the user's mistake. */
export function parseMetrics(items: readonly string[] = []): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, raw, item] of pairs('--metrics', items)) {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value)) throw errors.badKeyValue('--metrics', item, 'KEY=NUMBER');
    out[key] = value;
  }
  return out;
}

/** `--params n_estimators=100 criterion=gini` → strings, kept as given. */
export function parseParams(items: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of pairs('--params', items)) out[key] = value;
  return out;
}

function pairs(flag: string, items: readonly string[]): Array<[string, string, string]> {
  return items.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw errors.badKeyValue(flag, item, 'KEY=VALUE');
    return [item.slice(0, eq), item.slice(eq + 1), item];
  });
}
