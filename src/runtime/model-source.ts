import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { refuseUnconverted } from '../core/artifact-kind.js';
import { errors } from '../core/errors.js';

/** Where a model and its berth.yaml are, from what the user named: a .onnx file or a folder. */
export interface ModelLocation {
  modelPath: string;
  /** berth.yaml beside the model (may not exist). */
  configPath: string;
  /** Default model name: the file's or folder's base name. */
  defaultName: string;
}

export async function locateModel(target: string): Promise<ModelLocation> {
  const info = await stat(target).catch(() => undefined);
  if (!info) throw errors.modelFileMissing(target);
  if (info.isDirectory()) {
    const modelPath = join(target, 'model.onnx');
    if (!(await stat(modelPath).catch(() => undefined))?.isFile()) throw errors.modelFileMissing(modelPath);
    return { modelPath, configPath: join(target, 'berth.yaml'), defaultName: sanitize(basename(target)) };
  }
  await refuseUnconverted(target);
  return { modelPath: target, configPath: join(dirname(target), 'berth.yaml'), defaultName: sanitize(basename(target, extname(target))) };
}

/** Model names travel in URLs and metric labels: keep them to a safe alphabet. */
function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'model';
}
