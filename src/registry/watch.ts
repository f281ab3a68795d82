import { watch, type FSWatcher } from 'node:fs';
import { defaults } from '../core/defaults.js';
import { aliasTargets, readAliases } from './aliases.js';
import { listModelNames, listVersions } from './catalog.js';
import { modelDir } from './layout.js';

/**
 * Tells the server when the repository changes so it can load a new version and switch to it
 * (when an alias moves, the new version loads and warms up before it takes traffic). fs.watch events only
 * trigger a debounced rescan; the rescan is the truth, diffed against the last one. Polling runs
 * as well, because fs.watch is not recursive on Linux under Node 20 and misses events on network
 * file systems. Every write in the registry is a rename, so a rescan never sees half a change.
 */
export interface ModelState {
  versions: number[];
  /** alias → version */
  aliases: Record<string, number>;
}

export type RepositorySnapshot = Map<string, ModelState>;

export type RepositoryChange =
  | { kind: 'version-added'; name: string; version: number }
  | { kind: 'version-removed'; name: string; version: number }
  /** `from` undefined = a new alias; `to` undefined = the alias was removed. */
  | { kind: 'alias-moved'; name: string; alias: string; from?: number; to?: number };

export interface WatchOptions {
  debounceMs?: number;
  pollMs?: number;
  onError?: (error: unknown) => void;
}

export interface RepositoryWatcher {
  /** Resolves with the first scan; changes are reported relative to it. */
  ready: Promise<RepositorySnapshot>;
  /** The latest scan. */
  snapshot(): RepositorySnapshot;
  /** Stops watching; until then the watcher keeps the process alive, like fs.watch. */
  close(): void;
}

export async function scanRepository(repo: string): Promise<RepositorySnapshot> {
  const snapshot: RepositorySnapshot = new Map();
  for (const name of await listModelNames(repo)) {
    const versions = await listVersions(repo, name);
    const aliases = aliasTargets(
      await readAliases(repo, name).catch(() => ({ format: 1 as const, aliases: {}, retired: [] })),
    );
    if (versions.length > 0 || Object.keys(aliases).length > 0) snapshot.set(name, { versions, aliases });
  }
  return snapshot;
}

export function diffSnapshots(before: RepositorySnapshot, after: RepositorySnapshot): RepositoryChange[] {
  const changes: RepositoryChange[] = [];
  const empty: ModelState = { versions: [], aliases: {} };
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(name) ?? empty;
    const now = after.get(name) ?? empty;
    for (const version of now.versions)
      if (!old.versions.includes(version)) changes.push({ kind: 'version-added', name, version });
    for (const version of old.versions)
      if (!now.versions.includes(version)) changes.push({ kind: 'version-removed', name, version });
    for (const alias of new Set([...Object.keys(old.aliases), ...Object.keys(now.aliases)])) {
      if (old.aliases[alias] !== now.aliases[alias])
        changes.push({ kind: 'alias-moved', name, alias, from: old.aliases[alias], to: now.aliases[alias] });
    }
  }
  return changes;
}

export function watchRepository(
  repo: string,
  onChange: (changes: RepositoryChange[], snapshot: RepositorySnapshot) => void,
  options: WatchOptions = {},
): RepositoryWatcher {
  const debounceMs = options.debounceMs ?? defaults.repository.watchDebounceMs;
  const pollMs = options.pollMs ?? defaults.repository.watchPollMs;
  const watchers = new Map<string, FSWatcher>();
  let current: RepositorySnapshot = new Map();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> | undefined;
  let again = false;

  const watchPath = (path: string) => {
    if (closed || watchers.has(path)) return;
    try {
      const watcher = watch(path, schedule);
      watcher.on('error', () => {
        watcher.close();
        watchers.delete(path);
      });
      watchers.set(path, watcher);
    } catch {
      // Folder missing or fs.watch unsupported: polling covers it.
    }
  };

  const rescan = async () => {
    const next = await scanRepository(repo);
    watchPath(repo);
    for (const name of next.keys()) watchPath(modelDir(repo, name));
    const changes = diffSnapshots(current, next);
    current = next;
    if (changes.length > 0 && !closed) onChange(changes, next);
  };

  function run(): void {
    if (closed) return;
    if (scanning) {
      again = true;
      return;
    }
    scanning = rescan()
      .catch((error) => options.onError?.(error))
      .finally(() => {
        scanning = undefined;
        if (again) {
          again = false;
          run();
        }
      });
  }

  function schedule(): void {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      run();
    }, debounceMs);
  }

  const ready = scanRepository(repo).then((first) => {
    current = first;
    watchPath(repo);
    for (const name of first.keys()) watchPath(modelDir(repo, name));
    return first;
  });
  const poll = setInterval(() => void ready.then(run), pollMs);

  return {
    ready,
    snapshot: () => current,
    close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
