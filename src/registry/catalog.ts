import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errors } from '../core/errors.js';
import type { RegistryLookup } from '../core/locate-model.js';
import { aliasTargets, aliasesOf, readAliases } from './aliases.js';
import {
  checkModelName,
  isVersionFolder,
  latestAlias,
  metadataFileName,
  modelDir,
  modelFileName,
  parseModelRef,
  versionDir,
} from './layout.js';
import { readVersionMetadata, type VersionMetadata } from './metadata.js';

/**
 * Reading the repository: which models and versions exist, and what a reference (`iris`,
 * `iris@3`, `iris@production`) points at. Read-only and lock-free: every write is a rename, so a
 * reader sees whole versions and whole alias files.
 */

/** Model folders: every folder whose name is a valid model name (hidden ones like .berth-tmp are not). */
export async function listModelNames(repo: string): Promise<string[]> {
  const entries = await readdir(repo, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isDirectory() && /^[A-Za-z0-9]/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** Published versions of a model, ascending. */
export async function listVersions(repo: string, name: string): Promise<number[]> {
  const entries = await readdir(modelDir(repo, name), { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isDirectory() && isVersionFolder(entry.name))
    .map((entry) => Number(entry.name))
    .sort((a, b) => a - b);
}

/** What the server needs to load a version: the path and the hash the runtime must see. */
export interface ResolvedModel {
  name: string;
  version: number;
  /** Absolute path of model.onnx; pass with `sha256` as the runtime's OnnxSource. */
  path: string;
  /** The version folder (berth.yaml, if registered from a folder, is here). */
  dir: string;
  sha256: string;
  metadata: VersionMetadata;
  /** Aliases currently pointing at this version. */
  aliases: string[];
}

export async function resolveModel(repo: string, ref: string): Promise<ResolvedModel> {
  const parsed = parseModelRef(ref);
  const versions = await listVersions(repo, parsed.name);
  if (versions.length === 0) throw errors.unknownModel(parsed.name);
  const aliases = await readAliases(repo, parsed.name);
  let version: number;
  if ('version' in parsed) {
    if (!versions.includes(parsed.version)) throw errors.unknownVersion(parsed.name, String(parsed.version));
    version = parsed.version;
  } else if (parsed.alias === latestAlias) {
    version = versions.at(-1)!;
  } else {
    const target = aliases.aliases[parsed.alias]?.version;
    if (target === undefined) throw errors.unknownAlias(parsed.name, parsed.alias);
    if (!versions.includes(target))
      throw errors.versionCorrupt(parsed.name, target, `alias \`${parsed.alias}\` points at it but its folder is gone`);
    version = target;
  }
  const metadata = await readVersionMetadata(repo, parsed.name, version);
  const dir = versionDir(repo, parsed.name, version);
  return {
    name: parsed.name,
    version,
    path: join(dir, modelFileName),
    dir,
    sha256: metadata.sha256,
    metadata,
    aliases: aliasesOf(aliases, version),
  };
}

export interface VersionSummary {
  version: number;
  createdAt: string;
  sha256: string;
  bytes: number;
  description?: string;
  producer: string;
  metrics: Record<string, number>;
  aliases: string[];
  /** Set when the version's metadata cannot be read; `verify` says more. */
  problem?: string;
}

export interface ModelSummary {
  name: string;
  /** Highest version: what a bare `name` resolves to. */
  latest: number;
  versions: VersionSummary[];
  /** alias → version. */
  aliases: Record<string, number>;
}

/** Every model with its versions and aliases: the source of `list` and `POST /v2/repository/index`. */
export async function listModels(repo: string, only?: string): Promise<ModelSummary[]> {
  const names = only ? [checkModelName(only)] : await listModelNames(repo);
  const models: ModelSummary[] = [];
  for (const name of names) {
    const versions = await listVersions(repo, name);
    if (versions.length === 0) {
      if (only) throw errors.unknownModel(name);
      continue;
    }
    const aliases = await readAliases(repo, name);
    const summaries = await Promise.all(
      versions.map(async (version): Promise<VersionSummary> => {
        const base = { version, aliases: aliasesOf(aliases, version) };
        try {
          const meta = await readVersionMetadata(repo, name, version);
          const producer = [meta.producer.name, meta.producer.version].filter(Boolean).join(' ');
          return {
            ...base,
            createdAt: meta.createdAt,
            sha256: meta.sha256,
            bytes: meta.bytes,
            description: meta.description,
            producer,
            metrics: meta.metrics,
          };
        } catch (error) {
          return {
            ...base,
            createdAt: '',
            sha256: '',
            bytes: 0,
            producer: '',
            metrics: {},
            problem: (error as Error).message,
          };
        }
      }),
    );
    models.push({ name, latest: versions.at(-1)!, versions: summaries, aliases: aliasTargets(aliases) });
  }
  return models;
}

/** `resolveModel` as the model locator's registry seam (core/locate-model.ts): NAME@ALIAS → the version's folder. */
export function registryLookup(repo: string): RegistryLookup {
  return async (ref) => {
    const found = await resolveModel(repo, ref);
    return {
      name: found.name,
      version: String(found.version),
      path: found.path,
      dir: found.dir,
      sha256: found.sha256,
      metadataPath: join(found.dir, metadataFileName),
    };
  };
}
