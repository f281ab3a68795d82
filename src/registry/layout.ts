import { join, resolve } from 'node:path';
import { errors } from '../core/errors.js';
import { configFileName, modelFileName } from '../core/locate-model.js';

export { configFileName, modelFileName };

/**
 * Where things live in a model repository. The layout follows Triton's model repository
 * (`<repo>/<model>/<N>/model.onnx`, numeric version folders, anchors §2.4) so a person can read it
 * with `ls` and Triton-style tools can find the models:
 *
 *   <repo>/<name>/aliases.json              alias → version, with history (rollback) and retired versions
 *   <repo>/<name>/<version>/model.onnx      the artifact, never changed after publication
 *   <repo>/<name>/<version>/berth-version.json   metadata: sha256, signature, producer, metrics…
 *   <repo>/<name>/<version>/berth.yaml      the model's own config, when a folder was registered
 *   <repo>/.berth-tmp/                      staging area for atomic writes (same file system)
 */
export const metadataFileName = 'berth-version.json';
export const aliasesFileName = 'aliases.json';
export const lockFileName = '.lock';
export const tempFolderName = '.berth-tmp';

/** The same rule as `model.name` in berth.yaml (config.ts), so any served name can be registered. */
const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** Aliases start with a letter so `name@3` is always a version and `name@prod` always an alias. */
const aliasPattern = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
/** Triton ignores version folders that are not numeric or start with 0; so do we. */
const versionPattern = /^[1-9][0-9]{0,8}$/;

/** `name@latest` (and a bare `name`) means the highest version, like Triton's default policy. */
export const latestAlias = 'latest';

export function checkModelName(name: string): string {
  if (!namePattern.test(name)) throw errors.badModelName(name);
  return name;
}

export function checkAliasName(alias: string): string {
  if (!aliasPattern.test(alias) || alias === latestAlias) throw errors.badAliasName(alias);
  return alias;
}

export function isVersionFolder(entry: string): boolean {
  return versionPattern.test(entry);
}

export function repositoryRoot(path: string): string {
  return resolve(path);
}

export const modelDir = (repo: string, name: string) => join(repo, name);
export const versionDir = (repo: string, name: string, version: number) => join(repo, name, String(version));
export const aliasesPath = (repo: string, name: string) => join(repo, name, aliasesFileName);
export const lockPath = (repo: string, name: string) => join(repo, name, lockFileName);
export const tempRoot = (repo: string) => join(repo, tempFolderName);

/** What a reference names: `iris`, `iris@3`, `iris@production`, `iris@latest`. */
export type ModelRef = { name: string; version: number } | { name: string; alias: string };

export function parseModelRef(ref: string): ModelRef {
  const at = ref.indexOf('@');
  const name = at < 0 ? ref : ref.slice(0, at);
  const selector = at < 0 ? latestAlias : ref.slice(at + 1);
  if (!namePattern.test(name) || selector.length === 0) throw errors.badModelRef(ref);
  if (isVersionFolder(selector)) return { name, version: Number(selector) };
  if (selector === latestAlias || aliasPattern.test(selector)) return { name, alias: selector };
  throw errors.badModelRef(ref);
}
