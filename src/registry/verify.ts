import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { hashFile } from './atomic.js';
import { readAliases } from './aliases.js';
import { listModelNames, listVersions } from './catalog.js';
import { checkModelName, metadataFileName, modelFileName, versionDir } from './layout.js';
import { readVersionMetadata } from './metadata.js';

/**
 * `verify`: re-hash every file of every version against the sha256 recorded when it was
 * registered. TAMPERED = a file's bytes changed (edited, truncated, replaced); MISSING = a file or
 * the metadata is gone. Aliases pointing at a version that no longer exists are reported too.
 */
export type VerifyStatus = 'OK' | 'TAMPERED' | 'MISSING';

export interface VersionCheck {
  name: string;
  version: number;
  status: VerifyStatus;
  /** One line per problem, naming the file. */
  problems: string[];
}

export interface VerifyReport {
  ok: boolean;
  checked: number;
  versions: VersionCheck[];
  /** `name@alias → version` entries whose version folder is gone. */
  danglingAliases: string[];
}

export async function verifyRepository(options: { repository: string; name?: string }): Promise<VerifyReport> {
  const repo = options.repository;
  const names = options.name ? [checkModelName(options.name)] : await listModelNames(repo);
  const versions: VersionCheck[] = [];
  const danglingAliases: string[] = [];
  for (const name of names) {
    const published = await listVersions(repo, name);
    for (const version of published) versions.push(await verifyVersion(repo, name, version));
    const { aliases } = await readAliases(repo, name);
    for (const [alias, entry] of Object.entries(aliases)) {
      if (!published.includes(entry.version)) danglingAliases.push(`${name}@${alias} → ${entry.version}`);
    }
  }
  return {
    ok: versions.every((check) => check.status === 'OK') && danglingAliases.length === 0,
    checked: versions.length,
    versions,
    danglingAliases,
  };
}

export async function verifyVersion(repo: string, name: string, version: number): Promise<VersionCheck> {
  const metadataPath = join(versionDir(repo, name, version), metadataFileName);
  if (!(await exists(metadataPath)))
    return { name, version, status: 'MISSING', problems: [`${metadataFileName}: missing`] };
  let metadata;
  try {
    metadata = await readVersionMetadata(repo, name, version);
  } catch {
    return { name, version, status: 'TAMPERED', problems: [`${metadataFileName}: not valid JSON`] };
  }
  const problems: string[] = [];
  let missing = false;
  if (metadata.name !== name || metadata.version !== version) {
    problems.push(`${metadataFileName}: describes ${metadata.name}@${metadata.version}, not ${name}@${version}`);
  }
  // Older or hand-written metadata may lack `files`; the model's own hash is always there.
  const files = metadata.files ?? { [modelFileName]: { sha256: metadata.sha256, bytes: metadata.bytes } };
  for (const [file, expected] of Object.entries(files)) {
    const actual = await hashFile(join(versionDir(repo, name, version), file)).catch(() => undefined);
    if (!actual) {
      missing = true;
      problems.push(`${file}: missing`);
    } else if (actual.bytes !== expected.bytes) {
      problems.push(`${file}: ${actual.bytes} bytes, ${expected.bytes} recorded (truncated or replaced)`);
    } else if (actual.sha256 !== expected.sha256) {
      problems.push(`${file}: sha256 ${actual.sha256.slice(0, 12)}…, ${expected.sha256.slice(0, 12)}… recorded`);
    }
  }
  const status: VerifyStatus = problems.length === 0 ? 'OK' : missing ? 'MISSING' : 'TAMPERED';
  return { name, version, status, problems };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
