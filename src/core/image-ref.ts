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
  if (parsed.tag === 'latest')
    return '`latest` is mutable, so rollbacks become ambiguous; use an immutable tag such as <name>:<version>-<short sha>';
  if (!tagPattern.test(parsed.tag))
    return `tag \`${parsed.tag}\` must be 1–128 letters, digits, \`_\`, \`.\` or \`-\`, not starting with \`.\` or \`-\``;
  const parts = parsed.repository.split('/');
  const registry =
    parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')
      ? parts.shift()!
      : undefined;
  if (registry !== undefined && !registryPattern.test(registry)) return `registry \`${registry}\` is not a host name`;
  if (!repositoryPattern.test(parts.join('/')))
    return `repository \`${parts.join('/')}\` must be lower case letters, digits and single separators (. _ __ -) between them`;
  return undefined;
}

/**
 * The registry host of a reference, or undefined for a short name (`iris:1`), which an engine or
 * a node's runtime completes with its default registry (docker.io/library/ for containerd and
 * docker; podman's local store calls a short name it built `localhost/…`). The first component is
 * a host when it has a `.` or a `:` or is `localhost` (the distribution reference grammar).
 */
export function registryHost(ref: string): string | undefined {
  const first = ref.split('/')[0]!;
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : undefined;
}

/** localhost, 127.0.0.0/8 or ::1, with or without a port: where Docker allows plain HTTP by default. */
export function isLoopbackRegistry(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:[0-9]+$/, '');
  return name === 'localhost' || name === '::1' || /^127(?:\.[0-9]{1,3}){3}$/.test(name);
}

/**
 * `repository` with the tag of `image`: `berth build --push REGISTRY/REPO` pushes the image under
 * the same immutable tag it would have built locally.
 */
export function inRepository(repository: string, image: string): string {
  return `${repository}:${parseImageRef(image).tag ?? 'latest'}`;
}

/**
 * The name a local engine keeps an image under: podman files a short name it built under
 * `localhost/` (docker under docker.io/library/, which a node's runtime also assumes).
 */
export function storedReference(engine: 'podman' | 'docker', image: string): string {
  return engine === 'podman' && registryHost(image) === undefined ? `localhost/${image}` : image;
}
