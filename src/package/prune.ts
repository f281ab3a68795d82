import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errors } from '../core/errors.js';

/**
 * What of `npm ci --omit=dev` the image does not need. onnxruntime-node ships its native binaries
 * for every platform (≈ 300 MB of a 410 MB tree: win32 DirectML, darwin, linux arm64…); the image
 * needs one. Source maps, TypeScript declarations and `.bin` shims are never loaded at run time.
 */
export const onnxBinaryRoot = join('onnxruntime-node', 'bin');

/** onnxruntime-node's folder name for a platform: `linux/x64`, `linux/arm64`. */
export function onnxPlatformDir(arch: string): string {
  return `linux/${arch}`;
}

const droppedFile = /\.(?:map|d\.ts|d\.mts|d\.cts)$/;

export function isDroppedFile(name: string): boolean {
  return droppedFile.test(name);
}

export interface PruneResult {
  /** Platform folders removed from onnxruntime-node (`darwin/arm64`, …). */
  removedPlatforms: string[];
  removedFiles: number;
}

/** Prunes a node_modules folder in place for the image's platform (`linux/x64`). */
export async function pruneDependencies(nodeModules: string, keepPlatform: string): Promise<PruneResult> {
  const removedPlatforms = await pruneOnnxBinaries(join(nodeModules, onnxBinaryRoot), keepPlatform);
  let removedFiles = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === '.bin') await rm(path, { recursive: true, force: true });
        else await walk(path);
      } else if (entry.isFile() && isDroppedFile(entry.name)) {
        await rm(path, { force: true });
        removedFiles += 1;
      }
    }
  };
  await walk(nodeModules);
  return { removedPlatforms, removedFiles };
}

/** bin/napi-vN/<os>/<arch>: keep only `keepPlatform`; fail if it is not there (an unsupported platform). */
async function pruneOnnxBinaries(binRoot: string, keepPlatform: string): Promise<string[]> {
  const removed: string[] = [];
  let kept = false;
  for (const napi of await readdir(binRoot).catch(() => [] as string[])) {
    const napiDir = join(binRoot, napi);
    for (const os of await readdir(napiDir).catch(() => [] as string[])) {
      const osDir = join(napiDir, os);
      if (!(await stat(osDir)).isDirectory()) continue;
      for (const arch of await readdir(osDir)) {
        if (`${os}/${arch}` === keepPlatform) {
          kept = true;
          continue;
        }
        await rm(join(osDir, arch), { recursive: true, force: true });
        removed.push(`${napi}/${os}/${arch}`);
      }
      if ((await readdir(osDir)).length === 0) await rm(osDir, { recursive: true, force: true });
    }
  }
  if (!kept)
    throw errors.dependencyInstallFailed(
      'prune',
      `onnxruntime-node has no binaries for ${keepPlatform} under ${binRoot}; Berth's images need linux/x64 or linux/arm64`,
    );
  return removed;
}
