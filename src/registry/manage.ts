import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import { makeTempDir, removeStaleTemp, syncDir } from './atomic.js';
import { aliasesOf, pointAlias, rollbackAlias, updateAliases } from './aliases.js';
import { listVersions } from './catalog.js';
import {
  checkAliasName,
  checkModelName,
  isVersionFolder,
  latestAlias,
  modelDir,
  parseModelRef,
  versionDir,
} from './layout.js';
import type { LockOptions } from './lock.js';

/**
 * Changes to an existing model: moving aliases, rolling them back, deleting versions. Each runs
 * under the model's lock (read aliases.json, decide, write it back atomically), so two people
 * moving `production` at once cannot lose one of the moves from the history.
 */
export interface ManageOptions {
  repository: string;
  lock?: LockOptions;
  now?: () => Date;
}

const lockOf = (options: ManageOptions): LockOptions =>
  options.lock ?? { timeoutMs: defaults.repository.lockTimeoutMs, staleMs: defaults.repository.lockStaleMs };
const nowOf = (options: ManageOptions) => (options.now ?? (() => new Date()))();

export interface AliasChange {
  name: string;
  alias: string;
  /** Previous target; undefined when the alias is new. */
  from?: number;
  to: number;
}

/**
 * `alias iris production 3`. The target may also be another alias or `latest`
 * (`alias iris production staging` promotes whatever staging names).
 */
export async function setAlias(
  options: ManageOptions & { name: string; alias: string; target: string },
): Promise<AliasChange> {
  const repo = options.repository;
  const name = checkModelName(options.name);
  const alias = checkAliasName(options.alias);
  return updateAliases(repo, name, lockOf(options), async (file) => {
    const versions = await listVersions(repo, name);
    if (versions.length === 0) throw errors.unknownModel(name);
    const version = targetVersion(name, options.target, versions, (other) => file.aliases[other]?.version);
    const from = file.aliases[alias]?.version;
    pointAlias(file, alias, version, nowOf(options));
    return { name, alias, from, to: version };
  });
}

function targetVersion(
  name: string,
  target: string,
  versions: number[],
  aliasTarget: (alias: string) => number | undefined,
): number {
  if (isVersionFolder(target)) {
    const version = Number(target);
    if (!versions.includes(version)) throw errors.unknownVersion(name, target);
    return version;
  }
  if (target === latestAlias) return versions.at(-1)!;
  const version = aliasTarget(target);
  if (version === undefined) throw errors.unknownAlias(name, target);
  return version;
}

/** `rollback iris production`: the alias goes back to the version it named before the last move. */
export async function rollback(options: ManageOptions & { name: string; alias: string }): Promise<AliasChange> {
  const repo = options.repository;
  const name = checkModelName(options.name);
  return updateAliases(repo, name, lockOf(options), async (file) => {
    const versions = new Set(await listVersions(repo, name));
    if (versions.size === 0) throw errors.unknownModel(name);
    const { from, to } = rollbackAlias(file, name, options.alias, (version) => versions.has(version), nowOf(options));
    return { name, alias: options.alias, from, to };
  });
}

export interface DeleteResult {
  name: string;
  version: number;
}

/**
 * `delete iris@2`. Refused while an alias names the version (deleting what production serves is
 * never what anyone meant). The number is retired in aliases.json first, then the folder is moved
 * into the temp area with one rename and removed from there, so a crash leaves no half version.
 */
export async function deleteVersion(options: ManageOptions & { ref: string }): Promise<DeleteResult> {
  const repo = options.repository;
  const ref = parseModelRef(options.ref);
  if (!('version' in ref))
    throw errors.badUsage(`delete needs an explicit version, e.g. ${ref.name}@3 (aliases move; versions are deleted)`);
  const { name, version } = ref;
  await updateAliases(
    repo,
    name,
    lockOf(options),
    async (file) => {
      const versions = await listVersions(repo, name);
      if (!versions.includes(version))
        throw versions.length === 0 ? errors.unknownModel(name) : errors.unknownVersion(name, String(version));
      const holders = aliasesOf(file, version);
      if (holders.length > 0) throw errors.versionInUse(name, version, holders);
      if (!file.retired.includes(version)) file.retired = [...file.retired, version].sort((a, b) => a - b);
    },
    async () => {
      // Still under the lock, and after aliases.json (with the retired number) is on disk: an
      // `alias` call cannot point at the folder while it disappears, and a register cannot reuse it.
      const trash = await makeTempDir(repo, `delete-${name}-${version}`);
      await rename(versionDir(repo, name, version), join(trash, String(version)));
      await syncDir(modelDir(repo, name));
      await rm(trash, { recursive: true, force: true });
    },
  );
  await removeStaleTemp(repo, defaults.repository.staleTempMs);
  return { name, version };
}

export { lockOf as registryLockOptions };
