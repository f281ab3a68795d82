import { section } from '../field.js';

export const packaging = section('`berth build`: the container image.', {
  /**
   * Base image when --base-image/--builder-image are not given: the official Node.js image,
   * Debian bookworm slim, at exactly the Node version running `berth build` (a version tag, never
   * `latest`; pin a digest for reproducible builds, docs/build.md).
   */
  nodeImage: 'docker.io/library/node',
  nodeImageVariant: 'bookworm-slim',
  /** Berth's folder in the image, and node's path in both base images (official and berth-base). */
  appDir: '/app',
  nodePath: '/usr/local/bin/node',
  /** `docker info` must answer within this, or docker counts as absent (a dead socket hangs). */
  engineProbeTimeoutMs: 15_000,
  /** The whole `podman build` / `docker build`. */
  buildTimeoutMs: 30 * 60_000,
  /** `npm ci --omit=dev` of Berth's production dependencies on the host. */
  npmTimeoutMs: 10 * 60_000,
  /** Pruned dependency trees kept in the cache (one per Berth lockfile and platform). */
  dependencyCacheKeep: 3,
  /** Lines of the engine's output repeated in the error when a build fails. */
  failureTailLines: 30,
});
