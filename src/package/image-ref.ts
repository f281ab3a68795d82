/**
 * Image references (`[registry/]repository[:tag][@digest]`, OCI distribution spec grammar) as far
 * as `berth build` needs them: is a base image pinned, and is a tag one we may build.
 */
export interface ImageRef {
  /** Everything before the tag and digest, registry included (`docker.io/library/node`). */
  repository: string;
  tag?: string;
  digest?: string;
}

export function parseImageRef(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const name = at === -1 ? ref : ref.slice(0, at);
  // A ':' after the last '/' starts the tag; one before it belongs to a registry port.
  const colon = name.indexOf(':', name.lastIndexOf('/') + 1);
  if (colon === -1) return { repository: name, digest };
  return { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest };
}

/**
 * Pinned = a digest, or a tag other than `latest`. A missing tag means `latest`, which moves under
 * you: the same Dockerfile would build a different image tomorrow (the seed's pinning gotcha).
 */
export function isPinned(ref: string): boolean {
  const parsed = parseImageRef(ref);
  return parsed.digest !== undefined || (parsed.tag !== undefined && parsed.tag !== 'latest');
}

/** Repository path components: lower case, separated by `.`, `_`, `__` or dashes (OCI distribution spec). */
const repositoryPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const registryPattern = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]+)?|localhost(?::[0-9]+)?)$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Why `ref` cannot be the tag of an image Berth builds, or undefined when it can. Tags must be
 * explicit and not `latest`: a rollback to "latest" is ambiguous (the seed's rollback gotcha).
 */
export function tagProblem(ref: string): string | undefined {
  const parsed = parseImageRef(ref);
  if (parsed.digest !== undefined) return 'a digest is computed by the build, it cannot be given';
  if (parsed.tag === undefined) return 'it has no tag (so `latest`); give one, e.g. iris:3-<short sha>';
  if (parsed.tag === 'latest') return '`latest` is mutable, so rollbacks become ambiguous; use an immutable tag such as <name>:<version>-<short sha>';
  if (!tagPattern.test(parsed.tag)) return `tag \`${parsed.tag}\` must be 1–128 letters, digits, \`_\`, \`.\` or \`-\`, not starting with \`.\` or \`-\``;
  const parts = parsed.repository.split('/');
  const registry = parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost') ? parts.shift()! : undefined;
  if (registry !== undefined && !registryPattern.test(registry)) return `registry \`${registry}\` is not a host name`;
  if (!repositoryPattern.test(parts.join('/'))) return `repository \`${parts.join('/')}\` must be lower case letters, digits and single separators (. _ __ -) between them`;
  return undefined;
}
