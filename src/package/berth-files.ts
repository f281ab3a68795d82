import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errors } from '../core/errors.js';

/**
 * Berth's own files that go into the image: the compiled `dist/` (never built implicitly: a build
 * step hidden in `berth build` would hide type errors and take minutes), `proto/` (gRPC and the
 * ONNX schema, read at run time) and package.json (`"type": "module"`, the version).
 */
export interface BerthFiles {
  root: string;
  version: string;
  dist: string;
  proto: string;
  /** Berth's ONNX runtime module, relative to `root` (what the build stage's check loads). */
  runtimeModule: string;
  warnings: string[];
}

export const cliEntry = join('dist', 'cli', 'bin.js');

/** Berth's package root: this module sits two folders below it in src/, dist/ and dist/bundle/. */
export const berthRoot = fileURLToPath(new URL('../../', import.meta.url));

export async function locateBerthFiles(root: string, runtimeModule: string): Promise<BerthFiles> {
  const entry = join(root, cliEntry);
  const entryStat = await stat(entry).catch(() => undefined);
  if (!entryStat?.isFile()) throw errors.distMissing(entry, root);
  if (!(await stat(join(root, runtimeModule)).catch(() => undefined))?.isFile())
    throw errors.distMissing(join(root, runtimeModule), root);
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const warnings: string[] = [];
  // A checkout (src/ beside dist/): say so when dist/ is older than the sources it was built from.
  const newestSource = await newestMtime(join(root, 'src'));
  if (newestSource !== undefined && newestSource > entryStat.mtimeMs) {
    warnings.push(
      `${join(root, 'dist')} is older than ${join(root, 'src')}; the image gets the compiled code as it is — run \`npm run build\` first to include your changes`,
    );
  }
  return { root, version, dist: join(root, 'dist'), proto: join(root, 'proto'), runtimeModule, warnings };
}

/** Newest modification time of a .ts file under `dir`, or undefined when there is no such folder. */
async function newestMtime(dir: string): Promise<number | undefined> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return undefined;
  let newest: number | undefined;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const time = entry.isDirectory()
      ? await newestMtime(path)
      : entry.name.endsWith('.ts')
        ? (await stat(path)).mtimeMs
        : undefined;
    if (time !== undefined && (newest === undefined || time > newest)) newest = time;
  }
  return newest;
}
