import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errors } from '../core/errors.js';
import type { BerthFiles } from './berth-files.js';
import { contextLayout } from './context-layout.js';
import { linkTree } from './link-tree.js';
import { writeModelFolder, type ModelInput } from './model-files.js';
import { makeReadable } from './permissions.js';
import { isDroppedFile } from './prune.js';

/** Everything a build context consists of; the texts come from the pure generators. */
export interface BuildContextContent {
  dir: string;
  dockerfile: string;
  dockerignore: string;
  checkScript: string;
  /** berth-build.json: what was built from what (stays in the context, not in the image). */
  buildInfo: unknown;
  model: ModelInput;
  berth: BerthFiles;
  /** Folder with the pruned node_modules and the package-lock.json they were installed from. */
  dependencies: string;
}

export interface WrittenContext {
  dir: string;
  modelFiles: string[];
  /** Bytes under app/ and model/: what the engine receives. */
  bytes: number;
  warnings: string[];
}

/**
 * Writes a build context. An existing `dir` is replaced only if an earlier `berth build` wrote it
 * (it has berth-build.json); any other non-empty folder is refused rather than deleted.
 */
export async function writeBuildContext(content: BuildContextContent): Promise<WrittenContext> {
  const dir = resolve(content.dir);
  await prepareDir(dir);
  // Written first: it marks the folder as Berth's, so a later build (or one after a crash) may replace it.
  await writeFile(join(dir, contextLayout.buildInfo), `${JSON.stringify(content.buildInfo, null, 2)}\n`);
  const app = join(dir, contextLayout.app);
  await mkdir(app, { recursive: true });
  const { berth } = content;
  // Symlinks are copied as they are (.bin shims are pruned; nothing may point back at the host).
  const copy = (from: string, to: string) =>
    cp(from, to, {
      recursive: true,
      preserveTimestamps: true,
      verbatimSymlinks: true,
      filter: (source) => !isDroppedFile(source),
    });
  await linkTree(join(content.dependencies, 'node_modules'), join(app, 'node_modules'));
  await copy(join(content.dependencies, 'package-lock.json'), join(app, 'package-lock.json'));
  await copy(join(berth.root, 'package.json'), join(app, 'package.json'));
  await copy(berth.proto, join(app, 'proto'));
  await copy(berth.dist, join(app, 'dist'));
  const model = await writeModelFolder(content.model, join(dir, contextLayout.model));
  // node_modules comes readable from the dependency cache; the rest was copied with its modes.
  for (const part of ['dist', 'proto', 'package.json', 'package-lock.json']) await makeReadable(join(app, part));
  await makeReadable(join(dir, contextLayout.model));

  await writeFile(join(dir, contextLayout.checkScript), content.checkScript);
  await writeFile(join(dir, contextLayout.dockerignore), content.dockerignore);
  await writeFile(join(dir, contextLayout.dockerfile), content.dockerfile);
  const bytes = (await sizeOf(app)) + (await sizeOf(join(dir, contextLayout.model)));
  return { dir, modelFiles: model.files, bytes, warnings: model.warnings };
}

async function prepareDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  if (entries.length > 0) {
    if (!entries.includes(contextLayout.buildInfo)) throw errors.buildContextNotEmpty(dir);
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
}

async function sizeOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue;
    total += await sizeOf(join(path, entry.name));
  }
  return total;
}
