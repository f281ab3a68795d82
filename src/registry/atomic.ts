import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempRoot } from './layout.js';

/**
 * Crash-safe writes. Everything is first written under `<repo>/.berth-tmp/` (the same file system,
 * so rename(2) is atomic), fsynced, then renamed into place and the parent folder fsynced. A
 * `kill -9` at any point leaves either the old state or the new one, plus at most a temp entry
 * that `removeStaleTemp` deletes later. Readers never look inside `.berth-tmp`.
 */

/** Temp names carry host and pid so a later run can tell a crashed writer's leftovers from a live one's. */
function tempName(label: string): string {
  return `${hostname()}~${process.pid}~${randomBytes(6).toString('hex')}~${label}`;
}

export async function makeTempDir(repo: string, label: string): Promise<string> {
  await mkdir(tempRoot(repo), { recursive: true });
  const path = join(tempRoot(repo), tempName(label));
  await mkdir(path);
  return path;
}

/** A temp path for a single file (not created). */
export async function tempFilePath(repo: string, label: string): Promise<string> {
  await mkdir(tempRoot(repo), { recursive: true });
  return join(tempRoot(repo), tempName(label));
}

/** fsync a folder so a rename into or out of it survives a power cut (POSIX leaves this to us). */
export async function syncDir(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync folders; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

/** Writes `content` to a new file and fsyncs it. Fails if the file exists. */
export async function writeFileSynced(path: string, content: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `target` atomically with `content` (temp in `.berth-tmp`, fsync, rename, fsync folder). */
export async function replaceFileAtomically(
  repo: string,
  target: string,
  content: string,
  folder: string,
): Promise<void> {
  const temp = await tempFilePath(repo, 'file');
  try {
    await writeFileSynced(temp, content);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDir(folder);
}

export interface FileDigest {
  sha256: string;
  bytes: number;
}

/** Streams `source` into a new file `target`, hashing what is written, then fsyncs it. */
export async function copyFileHashed(source: string, target: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await open(target, 'wx');
  try {
    for await (const chunk of createReadStream(source)) {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      bytes += buffer.length;
      await handle.write(buffer);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** sha256 of a file, streamed so large models do not need to fit in memory twice. */
export async function hashFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Is process `pid` alive on this host? (signal 0 checks existence without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes temp entries left by crashed writers: those of a dead process on this host, and any
 * older than `maxAgeMs` (another host's, or a reused pid). Errors are ignored: another process
 * may be cleaning the same entry.
 */
export async function removeStaleTemp(repo: string, maxAgeMs: number, now = Date.now()): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(tempRoot(repo));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const [host, pidText] = entry.split('~');
    const path = join(tempRoot(repo), entry);
    const pid = Number(pidText);
    let stale = host === hostname() && Number.isSafeInteger(pid) && pid !== process.pid && !processAlive(pid);
    if (!stale) {
      const info = await stat(path).catch(() => undefined);
      stale = info !== undefined && now - info.mtimeMs > maxAgeMs;
    }
    if (!stale) continue;
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    removed.push(entry);
  }
  return removed;
}
