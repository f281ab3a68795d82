import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { errors } from '../core/errors.js';

/** The files `berth import` writes into its output folder. */
export const importFiles = {
  model: 'model.onnx',
  config: 'berth.yaml',
  report: 'parity.json',
  reference: 'reference.csv',
} as const;

/**
 * The output folder: new, empty, or one berth import wrote before (it has parity.json). Anything
 * else is someone's folder and is left alone.
 */
export async function checkOutputFolder(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => undefined);
  if (entries && entries.length > 0 && !entries.includes(importFiles.report)) throw errors.importOutNotEmpty(dir);
}

/**
 * Writes what one import produced and removes what an earlier import left that this one did not
 * write, so the folder always shows the last import: all of it when parity passed, only the
 * report when it failed (a failed conversion must not sit there ready to be served).
 */
export async function writeOutputFolder(
  dir: string,
  files: { model?: string; config?: string; reference?: string; report: string },
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const name of [importFiles.model, importFiles.config, importFiles.reference])
    await rm(join(dir, name), { force: true });
  if (files.model !== undefined) {
    await copyFile(files.model, join(dir, importFiles.model));
    written.push(join(dir, importFiles.model));
  }
  if (files.config !== undefined) {
    await writeFile(join(dir, importFiles.config), files.config);
    written.push(join(dir, importFiles.config));
  }
  if (files.reference !== undefined) {
    await copyFile(files.reference, join(dir, importFiles.reference));
    written.push(join(dir, importFiles.reference));
  }
  await writeFile(join(dir, importFiles.report), files.report);
  written.push(join(dir, importFiles.report));
  return written;
}

/** The artifact's name, or its folder's when the file is just `model.joblib` and the like. */
export function defaultName(artifact: string): string {
  const stem = basename(artifact, extname(artifact));
  const generic = /^(model|clf|classifier|regressor|estimator|pipeline|booster)$/i.test(stem);
  const base = generic ? basename(dirname(artifact)) : stem;
  return (
    base
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 63) || 'model'
  );
}
