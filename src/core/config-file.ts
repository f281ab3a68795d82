import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { errors } from './errors.js';

/** Reads berth.yaml; a missing optional file is `{}`, a malformed one a clear error. */
export async function readConfigFile(path: string, optional: boolean): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    if (optional) return {};
    throw errors.badConfig(path, 'file not found');
  }
  let parsed: unknown;
  try {
    parsed = parse(text, { maxAliasCount: 100 });
  } catch (cause) {
    throw errors.badConfig(path, `not valid YAML: ${(cause as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw errors.badConfig(path, 'must be a mapping of settings');
  return parsed as Record<string, unknown>;
}

/** The API key from `server.apiKeyFile`: its first line, trimmed; the key itself is never echoed. */
export async function readApiKeyFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw errors.badConfig(
      'server.apiKeyFile',
      `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`,
    );
  }
  const key = text.split(/\r?\n/, 1)[0]!.trim();
  if (key === '') throw errors.badConfig('server.apiKeyFile', `${path} is empty; its first line must be the API key`);
  return key;
}
