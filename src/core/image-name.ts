const shortShaLength = 12;

/** The registry part of images that live only in the local engine that built them. */
export const localRegistry = 'localhost';

/**
 * The image Berth names for a model, `localhost/<name>:<model version>-<short sha>`, never
 * `latest`: the tag names exactly one model file, so a rollback to it is unambiguous. `berth build`
 * tags it and `berth manifests` runs it. `localhost/` because that is the name a local build
 * keeps: podman files a short name under it, and a node's runtime would read a short name as
 * docker.io/library/<name> instead. A cluster pulls from a registry: `berth build --push` names
 * that image.
 * Repository names are lower case `[a-z0-9._-]` (OCI distribution spec); tags `[A-Za-z0-9_.-]`.
 */
export function defaultImage(model: { name: string; version: string; sha256: string }): string {
  const repository =
    model.name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'model';
  const version = model.version.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return `${localRegistry}/${repository}:${version}-${model.sha256.slice(0, shortShaLength)}`;
}
