import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import type { BuildRequest, BuildResult } from '../../package/build.js';

/**
 * `berth build`: a container build context for a model, and with --containerize the image (issue
 * 5). This file wires what the package area may not import itself: the model reference resolution
 * and the default image tag of the deploy area (so `berth build` and `berth manifests` name the
 * same image), and the registry for NAME@ALIAS.
 */
export const build: CommandDefinition = {
  name: 'build',
  summary: 'write a container build context for a model (multi-stage Dockerfile, Berth, the model) and, with --containerize, build the image with podman or docker',
  configure: (command) => command
    .argument('<model>', 'model folder, model.onnx, or NAME@ALIAS / NAME@VERSION from the registry')
    .option('--out <dir>', 'where to write the build context (default: build/<name>-<tag>)')
    .option('--tag <image>', 'image to build (default: deploy.image in berth.yaml, else <name>:<version>-<short sha>, the image `berth manifests` uses; never latest)')
    .option('--base-image <image>', 'runtime base with node at /usr/local/bin/node, pinned (default: docker.io/library/node:<this node version>-bookworm-slim)')
    .option('--builder-image <image>', 'build stage image with node at /usr/local/bin/node (default: the base image)')
    .option('--containerize', 'also build the image, with podman or docker (whichever is present)')
    .option('--engine <engine>', 'podman or docker, instead of detecting one')
    .option('--source <url>', 'org.opencontainers.image.source label (default: the git remote of the model folder, else the model reference)')
    .option('--revision <rev>', 'org.opencontainers.image.revision label (default: the git commit of the model folder, else sha256:<model hash>)')
    .option('--repository <path>', 'model repository for NAME@ALIAS (env BERTH_REPOSITORY, default ./model-repository)')
    .addHelpText('after', '\nThe build context is written even without --containerize: build it anywhere with `podman build` or `docker build`.\nBerth\'s compiled dist/ is copied as it is; run `npm run build` first in a checkout.'),
  async run([ref], options): Promise<CommandResult> {
    const request = await buildRequest(ref!, options);
    const { buildImage } = await import('../../package/build.js');
    const result = await buildImage({ ...request, onProgress: (text) => process.stderr.write(text) });
    return { data: result, text: describe(result) };
  },
};

/** Options → a BuildRequest: the model resolved as deploy resolves it, the tag deploy would use. */
export async function buildRequest(ref: string, options: Record<string, unknown>): Promise<Omit<BuildRequest, 'onProgress'>> {
  const [{ resolveModelSource }, { defaultImage }, { resolveConfig }, { berthVariables, hostFacts }, { repositoryRoot }, { resolveModel }, { errors }, { berthRoot }, path, os] = await Promise.all([
    import('../../deploy/model-ref.js'),
    import('../../deploy/model-facts.js'),
    import('../../core/config.js'),
    import('../../core/env.js'),
    import('../../registry/layout.js'),
    import('../../registry/catalog.js'),
    import('../../core/errors.js'),
    import('../../package/berth-files.js'),
    import('node:path'),
    import('node:os'),
  ]);
  let metadataPath: string | undefined;
  const source = await resolveModelSource(ref, async (reference) => {
    const flags = options.repository === undefined ? {} : { 'repository.path': options.repository };
    const repository = repositoryRoot(resolveConfig({ flags, env: berthVariables() }).settings.repository.path);
    const found = await resolveModel(repository, reference);
    metadataPath = path.join(found.dir, 'berth-version.json');
    return { name: found.name, version: String(found.version), path: found.path, dir: found.dir, sha256: found.sha256 };
  });
  const { deploy, ...serverFile } = source.config as { deploy?: { image?: unknown } } & Record<string, unknown>;
  const configured = typeof deploy?.image === 'string' ? deploy.image : undefined;
  const tag = typeof options.tag === 'string' ? options.tag : configured ?? defaultImage({ name: source.name, version: source.version, sha256: source.sha256, measuredBy: 'none' });
  // The container's ports and ONNX settings are the berth.yaml's (this host's BERTH_* variables are not the pod's).
  const modelDir = path.dirname(source.path);
  const { settings } = resolveConfig({ file: serverFile, baseDir: modelDir });
  const engine = options.engine;
  if (engine !== undefined && engine !== 'podman' && engine !== 'docker') throw errors.badUsage(`--engine takes podman or docker, got ${JSON.stringify(engine)}`);
  const slug = tag.slice(tag.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_.-]+/g, '-');
  const string = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    model: { ref, path: source.path, name: source.name, version: source.version, sha256: source.sha256, configPath: path.join(modelDir, 'berth.yaml'), metadataPath },
    tag,
    berthRoot,
    runtimeModule: 'dist/runtime/onnx.js',
    out: path.resolve(string(options.out) ?? path.join('build', slug)),
    baseImage: string(options.baseImage),
    builderImage: string(options.builderImage),
    ports: [settings.server.port, settings.server.grpcPort].filter((port) => port > 0),
    onnx: settings.onnx,
    containerize: Boolean(options.containerize),
    engine,
    source: string(options.source),
    revision: string(options.revision),
    cacheDir: path.join(hostFacts().home ?? os.tmpdir(), '.cache', 'berth', 'dependencies'),
  };
}

function describe(result: BuildResult): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const lines = [
    ...result.warnings.map((warning) => `WARNING: ${warning}`),
    `build context: ${result.context} (${mb(result.contextBytes)}; dependencies ${result.dependencies.cached ? 'from the cache' : `installed in ${result.dependencies.seconds} s`})`,
    `model: ${result.model.name} version ${result.model.version}, sha256 ${result.model.sha256.slice(0, 12)}… (${result.model.files.join(', ')})`,
    `base image: ${result.baseImage}${result.builderImage === result.baseImage ? '' : `, builder: ${result.builderImage}`}`,
  ];
  if (result.image) {
    lines.push(`built ${result.tag} with ${result.image.engine} in ${result.image.seconds} s: ${mb(result.image.sizeBytes)}, id ${result.image.id.slice(0, 12)}`);
  } else {
    lines.push(`image tag: ${result.tag}`, 'build it with (on hosts where crun fails, podman also needs --runtime runc):', `  ${result.buildCommand}`);
  }
  return lines.join('\n');
}
