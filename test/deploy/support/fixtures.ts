import { resolveConfig, type Settings } from '../../../src/core/config.js';
import { settingFlagValues } from '../../../src/core/config/flags.js';
import { generateManifests, type ManifestSet } from '../../../src/deploy/manifests.js';
import type { ModelFacts } from '../../../src/deploy/model-facts.js';
import type { KubeObject } from '../../../src/deploy/kube-object.js';

/** Facts of the iris forest as measured on a dev machine (load 1.0 s, peak RSS 115 MiB). */
export function irisFacts(overrides: Partial<ModelFacts> = {}): ModelFacts {
  return {
    name: 'iris',
    version: '3',
    sha256: '3f2a1bc0'.repeat(8),
    loadSeconds: 1,
    peakRssBytes: 115 * 2 ** 20,
    measuredBy: 'child-process',
    ...overrides,
  };
}

export function defaultSettings(file: Record<string, unknown> = {}): Settings {
  return resolveConfig({ file }).settings;
}

/** Manifests from commander-style deploy flags (`{ limitsMemory: '1Gi' }`) and a berth.yaml `deploy:` section, over given server settings. */
export function generate(
  flags: Record<string, unknown> = {},
  options: { file?: unknown; facts?: ModelFacts; settings?: Settings } = {},
): ManifestSet {
  const resolved = resolveConfig({
    file: options.file === undefined ? {} : { deploy: options.file },
    flags: settingFlagValues(flags, ['deploy']),
  });
  const settings = options.settings ? { ...options.settings, deploy: resolved.settings.deploy } : resolved.settings;
  return generateManifests({ settings, given: resolved.given }, options.facts ?? irisFacts());
}

/** The one object of a kind in a set (asserts it exists). */
export function objectOf(set: ManifestSet, kind: string): KubeObject {
  const found = set.files.find((entry) => entry.object.kind === kind);
  if (!found) throw new Error(`no ${kind} in ${set.files.map((entry) => entry.file).join(', ')}`);
  return found.object;
}

// Loose accessors for nested generated objects in assertions.
export type Loose = any;
