import { resolveConfig } from '../core/config.js';
import { generateManifests, type ManifestSet } from './manifests.js';
import type { Settings } from '../core/config.js';
import type { Measurement } from './measure-model.js';
import { withOverrides, type FactOverrides, type ModelFacts } from './model-facts.js';
import { resolveModelSource, type ModelSource, type RegistryLookup } from './model-ref.js';

export interface PrepareRequest {
  /** A model folder, a model.onnx, or NAME@ALIAS (with `registry`). */
  ref: string;
  /** commander's options for the deploy flags (see option-specs.ts). */
  flags: Record<string, unknown>;
  overrides: FactOverrides;
  /** Measures load time and peak RSS under load with the pod's settings (the CLI runs the server). Omitted = no measurement. */
  measure?: (path: string, settings: Settings) => Promise<Measurement>;
  registry?: RegistryLookup;
}

export interface PreparedManifests extends ManifestSet {
  source: Omit<ModelSource, 'config'>;
  facts: ModelFacts;
}

/**
 * model reference → facts (measured unless both flags are given) → berth.yaml (`deploy:` for
 * the manifests, the rest for the server settings the pod runs with) → the manifest set.
 */
export async function prepareManifests(request: PrepareRequest): Promise<PreparedManifests> {
  const source = await resolveModelSource(request.ref, request.registry);
  let facts: ModelFacts = { name: source.name, version: source.version, sha256: source.sha256, measuredBy: 'none' };
  // `deploy:` is this module's section; the rest of berth.yaml configures the server in the pod.
  const { deploy, ...serverFile } = source.config;
  const resolved = resolveConfig({ file: serverFile });
  const bothGiven = request.overrides.loadSeconds !== undefined && request.overrides.peakRssMb !== undefined;
  if (request.measure && !bothGiven) {
    const measured = await request.measure(source.path, resolved.settings);
    facts = { ...facts, loadSeconds: measured.loadSeconds, peakRssBytes: measured.peakRssBytes, measuredBy: 'child-process', load: measured.load };
  }
  facts = withOverrides(facts, request.overrides);
  const set = generateManifests({ file: deploy, flags: request.flags }, facts, resolved.settings);
  const { config: _config, ...sourceInfo } = source;
  return { ...set, warnings: [...resolved.warnings, ...set.warnings], source: sourceInfo, facts };
}
