import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { errors } from '../core/errors.js';
import { processAlive } from './atomic.js';

/**
 * A per-model lock file (`<repo>/<name>/.lock`) created with O_CREAT|O_EXCL (`wx`), which is
 * atomic on local file systems and NFSv3+. It serialises read-modify-write of aliases.json and
 * deletes. Version numbers do not need it: publishing a version is itself an atomic rename that
 * fails when the number is taken (see publish.ts).
 *
 * A holder killed with -9 leaves the file behind; it is broken when its pid is dead on this host
 * or it is older than `staleMs`.
 */
export interface LockOptions {
  timeoutMs: number;
  staleMs: number;
}

interface LockOwner {
  host: string;
  pid: number;
  token: string;
  at: number;
}

export async function withLock<T>(path: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const token = await acquire(path, options);
  try {
    return await work();
  } finally {
    await release(path, token);
  }
}

async function acquire(path: string, options: LockOptions): Promise<string> {
  const owner: LockOwner = {
    host: hostname(),
    pid: process.pid,
    token: randomBytes(8).toString('hex'),
    at: Date.now(),
  };
  const deadline = Date.now() + options.timeoutMs;
  let wait = 5;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      return owner.token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await breakIfStale(path, options.staleMs)) continue;
    if (Date.now() >= deadline) throw errors.registryLocked(path, options.timeoutMs);
    await sleep(wait);
    wait = Math.min(wait * 2, 100);
  }
}

async function release(path: string, token: string): Promise<void> {
  const owner = await readOwner(path);
  // Only remove our own lock: if ours was broken as stale, the file now belongs to someone else.
  if (owner?.token === token) await unlink(path).catch(() => undefined);
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/**
 * Breaks a stale lock. The file is first renamed to a unique name, so of two processes breaking
 * the same lock only one succeeds; if what was renamed turns out to be a fresh lock taken in the
 * meantime, it is linked back (link fails rather than overwrite a newer one).
 */
async function breakIfStale(path: string, staleMs: number): Promise<boolean> {
  const owner = await readOwner(path);
  const info = await stat(path).catch(() => undefined);
  if (!info) return true; // released meanwhile: try again at once
  const dead = owner !== undefined && owner.host === hostname() && !processAlive(owner.pid);
  // An unreadable owner is a holder between open and write; only age can make it stale.
  const old = Date.now() - (owner?.at ?? info.mtimeMs) > staleMs;
  if (!dead && !old) return false;
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return true;
  }
  const moved = await readOwner(aside);
  if (moved && owner && moved.token !== owner.token) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return true;
}
