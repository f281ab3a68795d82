import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import type { ReferenceProfile } from '../../observe/drift/profile.js';

/**
 * `berth profile data.csv --model <folder | model.onnx | name@version>`: the reference profile a
 * served model is compared with (docs/monitoring.md) — per-feature statistics of the model's
 * feature columns, and the distribution of the model's own predictions on those rows. Exactly
 * what `berth serve` computes at load from berth.yaml `monitoring.reference: data.csv`;
 * `--out profile.json` writes it for `monitoring.reference: profile.json`. Without --model, every
 * column of the CSV is profiled (no predictions).
 */
export interface ProfileOptions {
  data: string;
  model?: string;
  repository?: string;
  out?: string;
}

export interface ProfileResult {
  source: string;
  model?: { name: string; version?: string; path: string };
  out?: string;
  profile: ReferenceProfile;
}

export async function profileData(options: ProfileOptions): Promise<ProfileResult> {
  const [{ resolve }, { writeFile }, { defaults }] = await Promise.all([import('node:path'), import('node:fs/promises'), import('../../core/defaults.js')]);
  const source = resolve(options.data);
  let result: ProfileResult;
  if (options.model === undefined) {
    const { profileFromCsv } = await import('../../observe/drift/profile-csv.js');
    result = { source, profile: await profileFromCsv(source) };
  } else {
    const target = await resolveTarget(options.model, options.repository);
    const [{ createOnnxRuntime }, { modelReference }, { referenceRows }] = await Promise.all([
      import('../../runtime/onnx.js'),
      import('../../observe/monitoring/reference.js'),
      import('../../protocol/reference-rows.js'),
    ]);
    const runtime = createOnnxRuntime({ path: target.path, name: target.config.name ?? 'model', version: target.version ?? '1', ...(target.sha256 ? { sha256: target.sha256 } : {}) }, defaults.onnx);
    await runtime.load();
    try {
      const metadata = runtime.metadata();
      const codec = referenceRows(defaults.limits);
      const reference = await modelReference(source, {
        metadata,
        config: target.config,
        layout: codec.layout(metadata, target.config),
        encode: (rows) => codec.encode(rows, metadata, target.config),
        infer: (request) => runtime.infer(request),
        maxRows: defaults.limits.maxRows,
      }, defaults.monitoring.drift);
      result = { source, model: { name: target.config.name ?? metadata.name, ...(target.version ? { version: target.version } : {}), path: target.path }, profile: reference.profile };
    } finally {
      await runtime.unload();
    }
  }
  if (options.out !== undefined) {
    result.out = resolve(options.out);
    await writeFile(result.out, `${JSON.stringify(result.profile, null, 2)}\n`);
  }
  return result;
}

/** A model folder or .onnx file (with its berth.yaml), else a registry reference. */
async function resolveTarget(model: string, repository: string | undefined) {
  const [{ stat }, { locateModel }, { readConfigFile }, { parseModelConfig }] = await Promise.all([
    import('node:fs/promises'),
    import('../../runtime/model-source.js'),
    import('../../core/config-file.js'),
    import('../../core/config.js'),
  ]);
  if (await stat(model).catch(() => undefined)) {
    const location = await locateModel(model);
    const file = await readConfigFile(location.configPath, true);
    const config = parseModelConfig(file.model);
    return { path: location.modelPath, config: { ...config, name: config.name ?? location.defaultName }, version: undefined, sha256: undefined };
  }
  const [{ resolveModel, repositoryRoot }, { resolveConfig }, { berthVariables }] = await Promise.all([
    import('../../registry/index.js'),
    import('../../core/config.js'),
    import('../../core/env.js'),
  ]);
  const flags = repository === undefined ? {} : { 'repository.path': repository };
  const root = repositoryRoot(resolveConfig({ flags, env: berthVariables() }).settings.repository.path);
  const resolved = await resolveModel(root, model);
  const { features, labels } = resolved.metadata;
  return { path: resolved.path, config: { name: resolved.name, features, labels }, version: String(resolved.version), sha256: resolved.sha256 };
}

export function formatProfile(result: ProfileResult): string {
  const { profile } = result;
  const lines = [`reference profile of ${result.source}: ${profile.rows} rows${result.model ? `, model ${result.model.name}${result.model.version ? `@${result.model.version}` : ''}` : ''}`];
  const describe = (feature: ReferenceProfile['features'][number]) => {
    const missing = feature.missing > 0 ? `, ${(feature.missingRate * 100).toFixed(1)}% missing` : '';
    if (feature.kind === 'numeric') return `  ${feature.name.padEnd(24)} numeric      mean ${round(feature.mean)}, sd ${round(feature.std)}, range ${round(feature.min)} … ${round(feature.max)}${missing}`;
    const top = feature.categories.slice(0, 4).map((category) => `${category.value} ${((category.count / Math.max(1, feature.count)) * 100).toFixed(0)}%`).join(', ');
    return `  ${feature.name.padEnd(24)} categorical  ${feature.distinct} values: ${top}${feature.categories.length > 4 ? ', …' : ''}${missing}`;
  };
  lines.push(...profile.features.map(describe));
  if (profile.prediction) lines.push(describe({ ...profile.prediction, name: 'prediction (model)' }));
  lines.push(result.out ? `written to ${result.out}; serve with berth.yaml monitoring.reference: ${result.out}` : 'pass --out profile.json to write it (or --json to print it)');
  return lines.join('\n');
}

function round(value: number | null): string {
  return value === null ? '–' : String(Number(value.toPrecision(4)));
}

export const profileCommand: CommandDefinition = {
  name: 'profile',
  summary: 'compute the reference profile drift detection compares live traffic with (per-feature statistics and the model\'s predictions)',
  configure: (command) => command
    .argument('<data.csv>', 'reference rows (training data or a representative sample), with a header row')
    .option('--model <model>', 'a model folder, model.onnx, or a registry reference (iris@3, iris@production): profile its features and its predictions')
    .option('--repository <path>', 'model repository folder, for a registry reference (env BERTH_REPOSITORY, default ./model-repository)')
    .option('--out <file.json>', 'write the profile here (use it as berth.yaml monitoring.reference)'),
  async run([data], options): Promise<CommandResult> {
    const result = await profileData({ data: data!, model: options.model as string | undefined, repository: options.repository as string | undefined, out: options.out as string | undefined });
    return { data: result, text: formatProfile(result) };
  },
};
