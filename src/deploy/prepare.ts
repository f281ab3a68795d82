import { resolveConfig, type Settings } from '../core/config.js';
import { settingFlagValues } from '../core/config/flags.js';
import { locateModel, type LocatedModel, type RegistryLookup } from '../core/locate-model.js';
import { generateManifests, type ManifestSet } from './manifests.js';
import type { Measurement } from './measure-model.js';
import { withOverrides, type FactOverrides, type ModelFacts } from './model-facts.js';

export interface PrepareRequest {
  /** A model folder, a model.onnx, or NAME@ALIAS (with `registry`). */
  ref: string;
  /** commander's options: the deploy flags (core/config/sections/deploy.ts). */
  flags: Record<string, unknown>;
  overrides: FactOverrides;
  /** Measures load time and peak RSS under load with the pod's settings (the CLI runs the server). Omitted = no measurement. */
  measure?: (path: string, settings: Settings) => Promise<Measurement>;
  registry?: RegistryLookup;
}

export interface PreparedManifests extends ManifestSet {
  source: Pick<LocatedModel, 'ref' | 'path' | 'name' | 'version' | 'sha256'>;
  facts: ModelFacts;
}

/**
 * model reference → its berth.yaml resolved with the flags (`deploy:` for the manifests, the rest
 * for the server settings the pod runs with; this host's BERTH_* variables are not the pod's) →
 * facts (measured unless both overrides are given) → the manifest set.
 */
export async function prepareManifests(request: PrepareRequest): Promise<PreparedManifests> {
  const model = await locateModel(request.ref, { registry: request.registry });
  const resolved = resolveConfig({
    file: model.config,
    flags: settingFlagValues(request.flags, ['deploy']),
    baseDir: model.dir,
  });
  let facts: ModelFacts = { name: model.name, version: model.version, sha256: model.sha256, measuredBy: 'none' };
  const bothGiven = request.overrides.loadSeconds !== undefined && request.overrides.peakRssMb !== undefined;
  if (request.measure && !bothGiven) {
    const measured = await request.measure(model.path, resolved.settings);
    facts = {
      ...facts,
      loadSeconds: measured.loadSeconds,
      peakRssBytes: measured.peakRssBytes,
      measuredBy: 'child-process',
      load: measured.load,
    };
  }
  facts = withOverrides(facts, request.overrides);
  const set = generateManifests(resolved, facts);
  const { ref, path, name, version, sha256 } = model;
  return {
    ...set,
    warnings: [...resolved.warnings, ...set.warnings],
    source: { ref, path, name, version, sha256 },
    facts,
  };
}
