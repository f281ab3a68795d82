import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaults } from '../core/defaults.js';
import type { ParityReport } from '../core/parity-report.js';
import { copyFileHashed, makeTempDir, removeStaleTemp, syncDir, writeFileSynced } from './atomic.js';
import { readAliases } from './aliases.js';
import { listVersions } from './catalog.js';
import { checkModelName, configFileName, metadataFileName, modelDir, modelFileName, versionDir } from './layout.js';
import type { DescribeModel, VersionMetadata } from './metadata.js';
import { locateModel } from '../core/locate-model.js';

export interface RegisterOptions {
  repository: string;
  /** A `.onnx` file or a model folder. */
  source: string;
  /** Defaults to `model.name` of the folder's berth.yaml. */
  name?: string;
  description?: string;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  /** Reference statistics computed by the caller (`--reference-data`), stored for drift detection. */
  reference?: { source: string; profile: unknown };
  /** The parity report of `berth import`, kept with the version. */
  parity?: ParityReport;
  describe: DescribeModel;
  now?: () => Date;
  hooks?: RegisterHooks;
}

/** Test seams: the points where a crash or a race matters. */
export interface RegisterHooks {
  /** Everything is written and fsynced in the temp folder; nothing is visible yet. */
  staged?(tempDir: string): Promise<void> | void;
  /** About to try publishing as `version` (two registers can be lined up on the same number). */
  beforePublish?(version: number): Promise<void> | void;
}

export interface RegisterResult {
  name: string;
  version: number;
  path: string;
  metadata: VersionMetadata;
}

/**
 * Stores a new immutable version. The version is staged in `<repo>/.berth-tmp/…` (copy + hash +
 * describe + metadata, all fsynced), then published with one rename(2) to `<repo>/<name>/<N>`.
 *
 * Version numbers need no lock: rename of a folder onto an existing non-empty folder fails
 * (ENOTEMPTY/EEXIST), so of two registers that pick the same N exactly one wins and the other
 * rewrites its metadata for the next number and tries again. Deleted numbers are listed in
 * aliases.json (`retired`) before their folder goes, and are never reused.
 */
export async function registerModel(options: RegisterOptions): Promise<RegisterResult> {
  const repo = options.repository;
  // Names in the registry are for good: a bare file needs --name (or berth.yaml's model.name).
  const source = await locateModel(options.source, { hash: false });
  const name = checkModelName(options.name ?? source.model.name ?? '');
  const now = options.now ?? (() => new Date());

  await removeStaleTemp(repo, defaults.repository.staleTempMs);
  const temp = await makeTempDir(repo, `register-${name}`);
  try {
    const model = await copyFileHashed(source.path, join(temp, modelFileName));
    const files: VersionMetadata['files'] = { [modelFileName]: model };
    if (source.configPath) files[configFileName] = await copyFileHashed(source.configPath, join(temp, configFileName));
    const facts = await options.describe(join(temp, modelFileName));
    const metadata: VersionMetadata = {
      format: 1,
      name,
      version: 0,
      createdAt: now().toISOString(),
      ...(options.description ? { description: options.description } : {}),
      sha256: model.sha256,
      bytes: model.bytes,
      files,
      source: source.configPath ? source.dir : source.path,
      signature: facts.signature,
      producer: facts.producer,
      opsets: facts.opsets,
      metrics: options.metrics ?? {},
      params: options.params ?? {},
      ...(source.model.features ? { features: source.model.features } : {}),
      ...(source.model.labels ? { labels: source.model.labels } : {}),
      ...(options.reference ? { reference: options.reference } : {}),
      ...(options.parity ? { parity: options.parity } : {}),
    };
    const version = await publish(repo, name, temp, metadata, options.hooks);
    return {
      name,
      version,
      path: join(versionDir(repo, name, version), modelFileName),
      metadata: { ...metadata, version },
    };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function publish(
  repo: string,
  name: string,
  temp: string,
  metadata: VersionMetadata,
  hooks: RegisterHooks | undefined,
): Promise<number> {
  let candidate = 0;
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    candidate = Math.max(candidate + 1, await nextVersion(repo, name));
    metadata.version = candidate;
    await writeMetadata(temp, metadata);
    if (attempt === 0) await hooks?.staged?.(temp);
    await hooks?.beforePublish?.(candidate);
    await mkdir(modelDir(repo, name), { recursive: true });
    try {
      await rename(temp, versionDir(repo, name, candidate));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') continue; // taken: try the next number
      throw error;
    }
    await syncDir(modelDir(repo, name));
    return candidate;
  }
  // Not a user mistake: only a file system that never lets a rename succeed gets here.
  throw new Error(`could not publish a version of ${name} in ${repo} after 1000 attempts`);
}

/** One past the highest version ever used: published folders, then retired numbers (in that order,
 * so a concurrent delete — which retires before it removes — is always seen in one or the other). */
async function nextVersion(repo: string, name: string): Promise<number> {
  const versions = await listVersions(repo, name);
  const { retired } = await readAliases(repo, name);
  return Math.max(0, ...versions, ...retired) + 1;
}

async function writeMetadata(temp: string, metadata: VersionMetadata): Promise<void> {
  const path = join(temp, metadataFileName);
  await rm(path, { force: true });
  await writeFileSynced(path, `${JSON.stringify(metadata, null, 2)}\n`);
  await syncDir(temp);
}
