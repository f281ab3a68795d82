import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Makes a tree readable by everyone (files +r, folders +rx). COPY keeps the context's modes and
 * the image runs as UID 10001 over root-owned files, so a model saved with umask 077, or a dist/
 * compiled under it, would be unreadable in the container: a crash at start instead of a build
 * error. Symlinks are left alone (their mode means nothing).
 */
export async function makeReadable(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return;
  if (info.isDirectory()) {
    if ((info.mode & 0o555) !== 0o555) await chmod(path, info.mode | 0o555);
    for (const entry of await readdir(path)) await makeReadable(join(path, entry));
  } else if ((info.mode & 0o444) !== 0o444) {
    await chmod(path, info.mode | 0o444);
  }
}
