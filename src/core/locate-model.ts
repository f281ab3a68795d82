import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { refuseUnconverted } from './artifact-kind.js';
import { parseModelConfig, type ModelConfig } from './config.js';
import { readConfigFile } from './config-file.js';
import { errors } from './errors.js';

/** File names of a model folder (`examples/iris/`, a registry version, a build context). */
export const modelFileName = 'model.onnx';
export const configFileName = 'berth.yaml';

/**
 * A model as every command finds it: `berth serve`, `build`, `manifests`, `deploy`, `profile`,
 * `import` and `models register` take the same three kinds of reference.
 */
export interface LocatedModel {
  /** What the user typed: a model.onnx, a folder holding one (and maybe berth.yaml), or NAME@ALIAS. */
  ref: string;
  /** Absolute path of the .onnx file. */
  path: string;
  /** Its folder, where berth.yaml is looked for and its relative paths resolve. */
  dir: string;
  /** berth.yaml beside the model, when there is one. */
  configPath?: string;
  /** That berth.yaml as read ({} when there is none); resolveConfig checks and resolves it. */
  config: Record<string, unknown>;
  /** Its `model:` section, checked. */
  model: ModelConfig;
  /** berth.yaml's model.name, the registry's name, else the file's or folder's name. */
  name: string;
  /**
   * The registry's version, berth.yaml's model.version, else `1`: an unregistered file is served,
   * labelled and tagged as the first version of its model (OIP v2 and Triton number versions
   * from 1; the registry does too).
   */
  version: string;
  /** sha256 of the .onnx file (hex); '' when not asked for (`hash: false`). */
  sha256: string;
  /** For a registry version: its berth-version.json (signature, metrics, reference profile). */
  metadataPath?: string;
}

/** The version an unregistered model file is. */
export const unregisteredVersion = '1';

/**
 * The seam for the model registry: `iris@production` asks it for the version's folder. The CLI
 * passes one built on src/registry; without it only files and folders resolve.
 */
export type RegistryLookup = (
  ref: string,
) => Promise<{ name: string; version: string; path: string; dir: string; sha256: string; metadataPath?: string }>;

export interface LocateOptions {
  registry?: RegistryLookup;
  /** Hash an unregistered file (a registered one's sha256 is recorded): default true. */
  hash?: boolean;
  /** The berth.yaml to read instead of the one beside the model (`berth serve --config`). */
  configPath?: string;
}

/** Resolves a model.onnx, a folder (its model.onnx or only .onnx file, and berth.yaml), or a registry reference. */
export async function locateModel(ref: string, options: LocateOptions = {}): Promise<LocatedModel> {
  const local = await stat(ref).catch(() => undefined);
  if (!local) {
    if (ref.endsWith('.onnx') || ref.includes('/')) throw errors.modelFileMissing(resolve(ref));
    if (!options.registry)
      throw errors.modelRefUnresolved(
        ref,
        'it is not a file or folder here, and registry references (NAME@ALIAS) are not available in this command',
      );
    const found = await options.registry(ref);
    const { configPath, config } = await readBeside(found.dir);
    const model = parseModelConfig(config.model, configPath ? `${configPath}: model` : 'model');
    return {
      ref,
      path: found.path,
      dir: found.dir,
      configPath,
      config,
      model,
      name: found.name,
      version: found.version,
      sha256: found.sha256,
      metadataPath: found.metadataPath,
    };
  }
  if (!local.isFile() && !local.isDirectory()) throw errors.modelFileMissing(resolve(ref));
  const path = local.isDirectory() ? await findModelFile(resolve(ref)) : resolve(ref);
  if (local.isFile()) await refuseUnconverted(path, ref);
  const dir = dirname(path);
  const { configPath, config } = options.configPath
    ? { configPath: options.configPath, config: await readConfigFile(options.configPath, false) }
    : await readBeside(dir);
  const model = parseModelConfig(config.model, configPath ? `${configPath}: model` : 'model');
  const fileName = local.isDirectory() ? basename(dir) : basename(path, extname(path));
  return {
    ref,
    path,
    dir,
    configPath,
    config,
    model,
    name: model.name ?? safeName(fileName),
    version: model.version ?? unregisteredVersion,
    sha256: options.hash === false ? '' : await sha256File(path),
  };
}

async function readBeside(dir: string): Promise<{ configPath?: string; config: Record<string, unknown> }> {
  const configPath = join(dir, configFileName);
  if (!(await stat(configPath).catch(() => undefined))?.isFile()) return { config: {} };
  return { configPath, config: await readConfigFile(configPath, false) };
}

/** A folder's model.onnx, or its only .onnx file. */
async function findModelFile(folder: string): Promise<string> {
  const entries = await readdir(folder);
  if (entries.includes(modelFileName)) return join(folder, modelFileName);
  const onnx = entries.filter((entry) => entry.endsWith('.onnx'));
  if (onnx.length === 1) return join(folder, onnx[0]!);
  throw errors.modelFileMissing(
    onnx.length === 0
      ? join(folder, modelFileName)
      : `${folder} (it has ${onnx.length} .onnx files; name the one to use model.onnx)`,
  );
}

/** Model names travel in URLs, metric labels and image names: keep them to a safe alphabet. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'model';
}

function sha256File(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });
}
