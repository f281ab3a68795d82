import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RenderedFile } from './yaml-writer.js';

/** The one side effect of `berth manifests`: the rendered files into a folder. */
export async function writeManifests(dir: string, files: readonly RenderedFile[]): Promise<string[]> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const written: string[] = [];
  for (const entry of files) {
    const path = join(target, entry.file);
    await writeFile(path, entry.text);
    written.push(path);
  }
  return written;
}
