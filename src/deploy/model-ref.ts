import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { refuseUnconverted } from '../core/artifact-kind.js';
import { errors } from '../core/errors.js';

/** Where a model's file and berth.yaml are, and who it is. */
export interface ModelSource {
  /** What the user typed: a folder, a model.onnx, or NAME@ALIAS. */
  ref: string;
  path: string;
  /** Parsed berth.yaml next to the model, or {}. */
  config: Record<string, unknown>;
  name: string;
  version: string;
  sha256: string;
}

/**
 * The seam for the model registry: `berth manifests iris@production` asks it for the version's
 * folder. The CLI passes one built on src/registry; without it only paths resolve.
 */
export type RegistryLookup = (ref: string) => Promise<{ name: string; version: string; path: string; dir: string; sha256: string }>;

const configFileName = 'berth.yaml';
const modelFileName = 'model.onnx';

/** Resolves a folder (model.onnx + berth.yaml), an .onnx file, or a registry reference. */
export async function resolveModelSource(ref: string, registry?: RegistryLookup): Promise<ModelSource> {
  const local = await stat(ref).catch(() => undefined);
  if (!local) {
    if (ref.endsWith('.onnx') || ref.includes('/')) throw errors.modelFileMissing(resolve(ref));
    if (!registry) throw errors.modelRefUnresolved(ref, 'it is not a file or folder here, and registry references (NAME@ALIAS) are not available in this command yet');
    const found = await registry(ref);
    const config = await readConfig(join(found.dir, configFileName));
    return { ref, path: found.path, config, name: found.name, version: found.version, sha256: found.sha256 };
  }
  const dir = local.isDirectory() ? resolve(ref) : dirname(resolve(ref));
  const path = local.isDirectory() ? join(dir, modelFileName) : resolve(ref);
  if (!(await stat(path).catch(() => undefined))?.isFile()) throw errors.modelFileMissing(path);
  if (!local.isDirectory()) await refuseUnconverted(path, ref);
  const config = await readConfig(join(dir, configFileName));
  const model = (config.model ?? {}) as Record<string, unknown>;
  const fallbackName = basename(path) === modelFileName ? basename(dir) : basename(path, '.onnx');
  return {
    ref,
    path,
    config,
    name: typeof model.name === 'string' ? model.name : fallbackName,
    // An unregistered file has no version; `0` keeps the image tag `<name>:0-<sha>` immutable anyway.
    version: model.version === undefined ? '0' : String(model.version),
    sha256: await sha256File(path),
  };
}

export async function readConfig(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (cause) {
    throw errors.badConfig(path, (cause as Error).message.split('\n')[0]!);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw errors.badConfig(path, 'must be a mapping');
  return parsed as Record<string, unknown>;
}

function sha256File(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (chunk) => hash.update(chunk)).on('error', fail).on('end', () => done(hash.digest('hex')));
  });
}
