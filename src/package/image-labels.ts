import { parseImageRef } from '../core/image-ref.js';

/** Who the image is: the model it serves, the Berth that serves it, and where both came from. */
export interface ImageIdentity {
  model: { name: string; version: string; sha256: string };
  /** The image reference being built (`iris:3-0123456789ab`). */
  tag: string;
  berthVersion: string;
  /** ISO 8601 build time. */
  created: string;
  /** Where the model's source lives (a VCS URL when known, else the reference it was built from). */
  source: string;
  /** VCS revision of the model's folder when known, else `sha256:<model hash>`. */
  revision: string;
}

/**
 * Image labels: the OCI pre-defined annotation keys (image-spec annotations.md) plus Berth's own
 * `dev.berth.*` keys, which `berth status` and scanners can read without pulling the image's layers.
 * The same map is written as Dockerfile LABELs and, with podman, as manifest annotations.
 */
export function imageLabels(identity: ImageIdentity): Record<string, string> {
  const { model } = identity;
  return {
    'org.opencontainers.image.title': model.name,
    'org.opencontainers.image.description': `Berth inference service for model ${model.name} version ${model.version}`,
    'org.opencontainers.image.version': parseImageRef(identity.tag).tag ?? model.version,
    'org.opencontainers.image.created': identity.created,
    'org.opencontainers.image.source': identity.source,
    'org.opencontainers.image.revision': identity.revision,
    'dev.berth.model.name': model.name,
    'dev.berth.model.version': model.version,
    'dev.berth.model.sha256': model.sha256,
    'dev.berth.version': identity.berthVersion,
  };
}
