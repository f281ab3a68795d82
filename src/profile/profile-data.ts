import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { locateModel } from '../core/locate-model.js';
import { loadServedModel } from '../import/served-model.js';
import { profileFromCsv } from '../observe/drift/profile-csv.js';
import type { ReferenceProfile } from '../observe/drift/profile.js';
import { registryLookup } from '../registry/catalog.js';

/**
 * `berth profile data.csv --model <folder | model.onnx | name@version>`: the reference profile a
 * served model is compared with (docs/monitoring.md): per-feature statistics of the model's
 * feature columns, and the distribution of the model's own predictions on those rows. Exactly
 * what `berth serve` computes at load from berth.yaml `monitoring.reference: data.csv`;
 * `out: profile.json` writes it for `monitoring.reference: profile.json`. Without a model, every
 * column of the CSV is profiled (no predictions).
 */
export interface ProfileOptions {
  data: string;
  model?: string;
  /** Model repository, for a registry reference (NAME@VERSION, NAME@ALIAS). */
  repository?: string;
  out?: string;
}

export interface ProfileResult {
  source: string;
  model?: { name: string; version: string; path: string };
  out?: string;
  profile: ReferenceProfile;
}

export async function profileData(options: ProfileOptions): Promise<ProfileResult> {
  const source = resolve(options.data);
  let result: ProfileResult;
  if (options.model === undefined) {
    result = { source, profile: await profileFromCsv(source) };
  } else {
    const model = await locateModel(options.model, {
      registry: options.repository === undefined ? undefined : registryLookup(options.repository),
      hash: false,
    });
    // The model as `berth serve` holds it, named and described by its berth.yaml.
    const served = await loadServedModel(model.path, { model: { ...model.model, name: model.name } });
    try {
      const reference = await served.reference(source);
      result = {
        source,
        model: { name: model.name, version: model.version, path: model.path },
        profile: reference.profile,
      };
    } finally {
      await served.close();
    }
  }
  if (options.out !== undefined) {
    result.out = resolve(options.out);
    await writeFile(result.out, `${JSON.stringify(result.profile, null, 2)}\n`);
  }
  return result;
}
