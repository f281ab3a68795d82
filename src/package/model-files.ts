import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { errors } from '../core/errors.js';
import { contextLayout } from './context-layout.js';

/** The model as the caller resolved it (a folder, a file, or a registry version). */
export interface ModelInput {
  /** What the user typed. */
  ref: string;
  /** The .onnx file. */
  path: string;
  name: string;
  version: string;
  sha256: string;
  /** berth.yaml beside the model, if any. */
  configPath?: string;
  /** The registry's berth-version.json (signature, metrics, reference profile), for registry versions. */
  metadataPath?: string;
}

export interface ModelFolder {
  /** Files written, relative to the model folder. */
  files: string[];
  warnings: string[];
}

/**
 * Writes the image's model folder: model.onnx, a berth.yaml whose `model.name`/`model.version` are
 * the ones in the labels and the tag (so the served name does not depend on a folder name, and
 * `berth manifests` on this folder computes the same tag), the files berth.yaml names by a
 * relative path (e.g. `monitoring.reference: reference.csv`), and the registry metadata.
 */
export async function writeModelFolder(model: ModelInput, dest: string): Promise<ModelFolder> {
  await mkdir(dest, { recursive: true });
  const files: string[] = [contextLayout.modelFile, contextLayout.modelConfig];
  const warnings: string[] = [];
  await copyFile(model.path, join(dest, contextLayout.modelFile));

  const text = model.configPath ? await readFile(model.configPath, 'utf8').catch(() => undefined) : undefined;
  const document = text === undefined ? new Document({}) : parseDocument(text);
  if (document.errors.length > 0)
    throw errors.badConfig(model.configPath!, document.errors[0]!.message.split('\n')[0]!);
  document.setIn(['model', 'name'], model.name);
  document.setIn(['model', 'version'], /^[0-9]+$/.test(model.version) ? Number(model.version) : model.version);
  await writeFile(join(dest, contextLayout.modelConfig), document.toString());

  const config = document.toJS() as Record<string, unknown>;
  const host = (config.server as Record<string, unknown> | undefined)?.host;
  if (typeof host === 'string' && /^(127\.|localhost$|::1$)/.test(host)) {
    warnings.push(
      `berth.yaml sets server.host ${host}: in a container nothing outside can reach that; remove it (the default listens on every interface)`,
    );
  }
  if (model.configPath) {
    const baseDir = dirname(model.configPath);
    for (const candidate of referencedPaths(config)) {
      const source = resolve(baseDir, candidate);
      if (
        !(await stat(source).catch(() => undefined))?.isFile() ||
        source === resolve(model.path) ||
        source === resolve(model.configPath)
      )
        continue;
      const inside = relative(baseDir, source);
      if (inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
        warnings.push(`berth.yaml names ${candidate}, which is outside ${baseDir}; it is not copied into the image`);
        continue;
      }
      await mkdir(dirname(join(dest, inside)), { recursive: true });
      await copyFile(source, join(dest, inside));
      files.push(inside);
    }
  }
  if (model.metadataPath) {
    const name = 'berth-version.json';
    await copyFile(model.metadataPath, join(dest, name));
    files.push(name);
  }
  return { files, warnings };
}

/** Every string value of berth.yaml that could be a relative file path (the caller checks the disk). */
export function referencedPaths(config: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value !== '' && !isAbsolute(value) && !/^[a-z][a-z0-9+.-]*:/i.test(value) && !value.includes('\n'))
        found.add(value);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(config);
  return [...found];
}
