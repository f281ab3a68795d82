const shortShaLength = 12;

/**
 * The image Berth names for a model, `<name>:<model version>-<short sha>`, never `latest`: the tag
 * names exactly one model file, so a rollback to it is unambiguous. `berth build` tags it and
 * `berth manifests` runs it.
 * Repository names are lower case `[a-z0-9._-]` (OCI distribution spec); tags `[A-Za-z0-9_.-]`.
 */
export function defaultImage(model: { name: string; version: string; sha256: string }): string {
  const repository = model.name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'model';
  const version = model.version.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return `${repository}:${version}-${model.sha256.slice(0, shortShaLength)}`;
}
