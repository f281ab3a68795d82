import { errors } from '../core/errors.js';
import { cliPathIn, contextLayout, modelDirIn, type ImageLayout } from './context-layout.js';
import { isPinned } from '../core/image-ref.js';

export interface DockerfileOptions extends ImageLayout {
  /** Default of `ARG BUILDER_IMAGE`: the build stage; needs node at `nodePath`, not a shell. */
  builderImage: string;
  /** Default of `ARG BASE_IMAGE`: the runtime stage; needs node at `nodePath`, may have no shell. */
  baseImage: string;
  labels: Readonly<Record<string, string>>;
  /** Ports Berth listens on in the container (HTTP, and gRPC unless it is off). */
  ports: readonly number[];
  /** The fixed non-root user; Kubernetes' runAsNonRoot can only verify a numeric one. */
  uid: number;
  gid: number;
  /** Lines of the header comment (what this image is, how to build it). */
  comment: readonly string[];
}

/**
 * The Dockerfile for a build context: a pure function of its options (no clock, no file system),
 * so tests can read every line of it.
 *
 * Two stages. The build stage assembles /app from the context and runs berth-check.mjs, so a
 * missing dependency or a model onnxruntime cannot load fails the build instead of the pod. The
 * runtime stage starts from BASE_IMAGE and only COPYs: it works on a base with no shell (Berth's
 * distroless-style base, docs/base-image.md) as well as on `node:<version>-bookworm-slim`, and
 * carries no compiler, package manager cache or build tool.
 */
export function generateDockerfile(options: DockerfileOptions): string {
  for (const [flag, image] of [
    ['--base-image', options.baseImage],
    ['--builder-image', options.builderImage],
  ] as const) {
    if (/\s/.test(image) || image === '')
      throw errors.badImageRef(flag, image, 'it must be an image reference without spaces');
    if (!isPinned(image))
      throw errors.badImageRef(
        flag,
        image,
        'pin it to a version tag or a digest (a missing tag means `latest`, which moves)',
      );
  }
  if (
    !Number.isSafeInteger(options.uid) ||
    options.uid <= 0 ||
    !Number.isSafeInteger(options.gid) ||
    options.gid <= 0
  ) {
    throw errors.badUsage(`the image user must be a non-root numeric UID:GID, got ${options.uid}:${options.gid}`);
  }
  const { appDir, nodePath } = options;
  const app = contextLayout.app;
  const model = modelDirIn(options);
  const check = `${appDir}/${contextLayout.checkScript}`;
  const ports = [...new Set(options.ports)];
  for (const port of ports)
    if (!Number.isSafeInteger(port) || port < 1 || port > 65535)
      throw errors.badUsage(`EXPOSE needs TCP ports, got ${port}`);

  return [
    ...options.comment.map((line) => (line ? `# ${line}` : '#')),
    '',
    '# Base images are pinned (a version tag or a digest), never `latest`; override with --build-arg.',
    `ARG BUILDER_IMAGE=${options.builderImage}`,
    `ARG BASE_IMAGE=${options.baseImage}`,
    '',
    '# ── build stage ──────────────────────────────────────────────────────────────────',
    "# app/ holds Berth's compiled code and its production dependencies, installed from Berth's",
    "# lockfile (npm ci --omit=dev --ignore-scripts) and pruned to onnxruntime's binaries for this",
    '# platform. The check fails the build, not the pod, if the model is not the one the labels name,',
    '# a dependency is missing, or onnxruntime cannot load the model here.',
    'FROM ${BUILDER_IMAGE} AS build',
    `WORKDIR ${appDir}`,
    // Part by part, in the runtime stage's order, so the 100 MB node_modules layer stays cached.
    ...copyBerth('COPY', app, appDir),
    `COPY ${contextLayout.model}/ ${model}/`,
    `COPY ${contextLayout.checkScript} ${check}`,
    `RUN ${execForm([nodePath, check])}`,
    '',
    '# ── runtime stage ────────────────────────────────────────────────────────────────',
    "# Only COPY: no shell is needed (or present, on Berth's base), no compiler, no npm cache.",
    '# Layers go from rarely to often changed, so a new model version is one small layer.',
    'FROM ${BASE_IMAGE}',
    'ARG BASE_IMAGE',
    'ENV NODE_ENV=production',
    "# HOME for what writes under it (onnxruntime's telemetry, off unless ORT_DISABLE_TELEMETRY=0); /tmp is writable.",
    'ENV HOME=/tmp',
    `WORKDIR ${appDir}`,
    ...copyBerth('COPY --from=build', appDir, appDir),
    `COPY --from=build ${model} ${model}`,
    '# Files stay root-owned and read-only to the server. Numeric, so runAsNonRoot can verify it.',
    `USER ${options.uid}:${options.gid}`,
    ...(ports.length > 0 ? [`EXPOSE ${ports.join(' ')}`] : []),
    labelInstruction({ 'org.opencontainers.image.base.name': '${BASE_IMAGE}', ...options.labels }),
    '# Berth handles SIGTERM itself (/ready turns 503, requests drain, exit 0), so node can be PID 1;',
    '# the exec form delivers the signal to node, not to a shell.',
    'STOPSIGNAL SIGTERM',
    `CMD ${execForm([nodePath, cliPathIn(options), 'serve', model])}`,
    '',
  ].join('\n');
}

/**
 * Berth's files, one COPY each, from rarely to often changed: node_modules (changes with Berth's
 * lockfile), package.json with the lockfile, proto, dist (with Berth's version).
 */
function copyBerth(instruction: string, from: string, to: string): string[] {
  return [
    `${instruction} ${from}/node_modules ${to}/node_modules`,
    `${instruction} ${from}/package.json ${from}/package-lock.json ${to}/`,
    `${instruction} ${from}/proto ${to}/proto`,
    `${instruction} ${from}/dist ${to}/dist`,
  ];
}

/** JSON array form of RUN/CMD: no shell parses it (Dockerfile reference, "exec form"). */
function execForm(argv: readonly string[]): string {
  return `[${argv.map((arg) => JSON.stringify(arg)).join(', ')}]`;
}

/** One LABEL instruction, a line per key; `${BASE_IMAGE}` is the only substitution left in. */
function labelInstruction(labels: Readonly<Record<string, string>>): string {
  const lines = Object.entries(labels).map(([key, value]) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key))
      throw errors.badUsage(`label key ${JSON.stringify(key)} must be letters, digits, dots, dashes or underscores`);
    return `${key}=${value === '${BASE_IMAGE}' ? '"${BASE_IMAGE}"' : quote(value)}`;
  });
  return `LABEL ${lines.join(' \\\n      ')}`;
}

/** A double-quoted Dockerfile word: backslash, quote and `$` (variable expansion) escaped; one line. */
function quote(value: string): string {
  return `"${value.replace(/[\r\n]+/g, ' ').replace(/[\\"$]/g, (char) => `\\${char}`)}"`;
}
