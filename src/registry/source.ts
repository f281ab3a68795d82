import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { refuseUnconverted } from '../core/artifact-kind.js';
import { errors } from '../core/errors.js';
import { parseModelConfig, type ModelConfig } from '../core/config.js';
import { configFileName, modelFileName } from './layout.js';

/**
 * What `register` was pointed at: a single `.onnx` file, or a model folder (`model.onnx` — or its
 * only `.onnx` file — plus an optional `berth.yaml`, the shape of `examples/iris/`).
 */
export interface ModelSource {
  /** Absolute path of the ONNX file. */
  modelFile: string;
  /** Absolute path of berth.yaml when the source is a folder that has one. */
  configFile?: string;
  /** The folder's `model:` section ({} for a bare file). */
  model: ModelConfig;
}

export async function readModelSource(path: string): Promise<ModelSource> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw errors.modelFileMissing(absolute);
  if (info.isFile()) {
    await refuseUnconverted(absolute, path);
    return { modelFile: absolute, model: {} };
  }
  if (!info.isDirectory()) throw errors.modelFileMissing(absolute);

  const modelFile = await findModelFile(absolute);
  const configFile = join(absolute, configFileName);
  const configText = await readFile(configFile, 'utf8').catch(() => undefined);
  if (configText === undefined) return { modelFile, model: {} };
  let parsed: unknown;
  try {
    parsed = parseYaml(configText);
  } catch (cause) {
    throw errors.badConfig(configFile, (cause as Error).message.split('\n')[0]!);
  }
  const file = (parsed ?? {}) as Record<string, unknown>;
  return { modelFile, configFile, model: parseModelConfig(file.model, `${basename(absolute)}/${configFileName}: model`) };
}

async function findModelFile(folder: string): Promise<string> {
  const entries = await readdir(folder);
  if (entries.includes(modelFileName)) return join(folder, modelFileName);
  const onnx = entries.filter((entry) => entry.endsWith('.onnx'));
  if (onnx.length === 1) return join(folder, onnx[0]!);
  throw errors.modelFileMissing(onnx.length === 0 ? join(folder, modelFileName) : `${folder} (it has ${onnx.length} .onnx files; name the one to register model.onnx)`);
}
