import { readFile } from 'node:fs/promises';
import { errors } from '../core/errors.js';
import { replaceFileAtomically } from './atomic.js';
import { aliasesPath, lockPath, modelDir } from './layout.js';
import { withLock, type LockOptions } from './lock.js';

/**
 * `<repo>/<name>/aliases.json`: which version each alias names, what it named before (so
 * `rollback` can step back), and which version numbers were deleted (so they are never handed out
 * again — `iris@4` must always mean the same artifact).
 *
 *   { "format": 1,
 *     "aliases": { "production": { "version": 3, "history": [1, 2], "updatedAt": "…" } },
 *     "retired": [4] }
 *
 * Every change is a read-modify-write under the model's lock, written with temp + rename, so
 * readers (the server's watcher) see the old file or the new one, never half of one.
 */
export interface AliasEntry {
  version: number;
  /** Earlier targets, oldest first; `rollback` pops the last. */
  history: number[];
  updatedAt: string;
}

export interface AliasesFile {
  format: 1;
  aliases: Record<string, AliasEntry>;
  retired: number[];
}

export const emptyAliases = (): AliasesFile => ({ format: 1, aliases: {}, retired: [] });

export async function readAliases(repo: string, name: string): Promise<AliasesFile> {
  let text: string;
  try {
    text = await readFile(aliasesPath(repo, name), 'utf8');
  } catch {
    return emptyAliases();
  }
  try {
    const parsed = JSON.parse(text) as Partial<AliasesFile>;
    return { format: 1, aliases: parsed.aliases ?? {}, retired: parsed.retired ?? [] };
  } catch {
    throw errors.badConfig(aliasesPath(repo, name), 'is not valid JSON; fix or remove it');
  }
}

/** alias → version, the view most callers need. */
export function aliasTargets(file: AliasesFile): Record<string, number> {
  return Object.fromEntries(Object.entries(file.aliases).map(([alias, entry]) => [alias, entry.version]));
}

/** Runs `change` on the current file under the model lock and writes the result atomically. */
export async function updateAliases<T>(
  repo: string,
  name: string,
  lock: LockOptions,
  change: (file: AliasesFile) => Promise<T> | T,
  /** Runs after the write, still under the lock (delete removes the folder here). */
  afterWrite?: () => Promise<void>,
): Promise<T> {
  return withLock(lockPath(repo, name), lock, async () => {
    const file = await readAliases(repo, name);
    const result = await change(file);
    await replaceFileAtomically(
      repo,
      aliasesPath(repo, name),
      `${JSON.stringify(file, null, 2)}\n`,
      modelDir(repo, name),
    );
    await afterWrite?.();
    return result;
  });
}

/** Points `alias` at `version`, remembering the previous target. Returns the previous target. */
export function pointAlias(file: AliasesFile, alias: string, version: number, now: Date): number | undefined {
  const entry = file.aliases[alias];
  if (entry?.version === version) return version;
  file.aliases[alias] = {
    version,
    history: entry ? [...entry.history, entry.version] : [],
    updatedAt: now.toISOString(),
  };
  return entry?.version;
}

/**
 * Moves `alias` back to the version it named before. Earlier targets that were deleted since are
 * skipped. Returns `{ from, to }`.
 */
export function rollbackAlias(
  file: AliasesFile,
  name: string,
  alias: string,
  exists: (version: number) => boolean,
  now: Date,
): { from: number; to: number } {
  const entry = file.aliases[alias];
  if (!entry) throw errors.unknownAlias(name, alias);
  const history = [...entry.history];
  while (history.length > 0) {
    const previous = history.pop()!;
    if (!exists(previous)) continue;
    file.aliases[alias] = { version: previous, history, updatedAt: now.toISOString() };
    return { from: entry.version, to: previous };
  }
  throw errors.noAliasHistory(name, alias);
}

/** The aliases whose current target is `version`. */
export function aliasesOf(file: AliasesFile, version: number): string[] {
  return Object.entries(file.aliases)
    .filter(([, entry]) => entry.version === version)
    .map(([alias]) => alias)
    .sort();
}
