import type { CommandDefinition } from '../command.js';
import type { CommandResult } from '../output.js';
import type { BuildResult } from '../../package/build.js';
import { registryLookup } from '../model-repository.js';
import { addSettingFlags } from '../setting-flags.js';

/**
 * `berth build`: a container build context for a model, and with --containerize the image. The
 * use case is src/package (build-request.ts, build.ts); this file reads the flags and hands it the
 * registry for NAME@ALIAS, which the package area may not import itself.
 */
export const build: CommandDefinition = {
  name: 'build',
  summary:
    'write a container build context for a model (multi-stage Dockerfile, Berth, the model) and, with --containerize, build the image with podman or docker',
  configure: (command) =>
    addSettingFlags(command, ['repository.path'])
      .argument('<model>', 'model folder, model.onnx, or NAME@ALIAS / NAME@VERSION from the registry')
      .option('--out <dir>', 'where to write the build context (default: build/<name>-<tag>)')
      .option(
        '--tag <image>',
        'image to build (default: deploy.image in berth.yaml, else <name>:<version>-<short sha>, the image `berth manifests` uses; never latest)',
      )
      .option(
        '--base-image <image>',
        "runtime base with node at /usr/local/bin/node, pinned (default: Berth's own base for this node version, made offline by scripts/base-image/build.sh; without one, docker.io/library/node:<this node version>-bookworm-slim for a context-only build)",
      )
      .option('--builder-image <image>', 'build stage image with node at /usr/local/bin/node (default: the base image)')
      .option('--containerize', 'also build the image, with podman or docker (whichever is present)')
      .option(
        '--push <repository>',
        'build the image as <repository>:<its tag> and push it (e.g. registry.example.com/team/iris); prints the reference with its digest for --image',
      )
      .option('--engine <engine>', 'podman or docker, instead of detecting one')
      .option(
        '--source <url>',
        'org.opencontainers.image.source label (default: the git remote of the model folder, else the model reference)',
      )
      .option(
        '--revision <rev>',
        'org.opencontainers.image.revision label (default: the git commit of the model folder, else sha256:<model hash>)',
      )
      .addHelpText(
        'after',
        "\nThe build context is written even without --containerize: build it anywhere with `podman build` or `docker build`.\nBerth's compiled dist/ is copied as it is; run `npm run build` first in a checkout.",
      ),
  async run([ref], options): Promise<CommandResult> {
    const [{ buildRequest }, { buildImage }] = await Promise.all([
      import('../../package/build-request.js'),
      import('../../package/build.js'),
    ]);
    const string = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const request = await buildRequest(ref!, {
      tag: string(options.tag),
      out: string(options.out),
      baseImage: string(options.baseImage),
      builderImage: string(options.builderImage),
      containerize: Boolean(options.containerize),
      push: string(options.push),
      engine: string(options.engine),
      source: string(options.source),
      revision: string(options.revision),
      registry: registryLookup(options),
    });
    const result = await buildImage({ ...request, onProgress: (text) => process.stderr.write(text) });
    return { data: result, text: describe(result) };
  },
};

function describe(result: BuildResult): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const lines = [
    ...result.warnings.map((warning) => `WARNING: ${warning}`),
    `build context: ${result.context} (${mb(result.contextBytes)}; dependencies ${result.dependencies.cached ? 'from the cache' : `installed in ${result.dependencies.seconds} s`})`,
    `model: ${result.model.name} version ${result.model.version}, sha256 ${result.model.sha256.slice(0, 12)}… (${result.model.files.join(', ')})`,
    `base image: ${result.baseImage}${result.builderImage === result.baseImage ? '' : `, builder: ${result.builderImage}`}`,
  ];
  if (result.image) {
    lines.push(
      `built ${result.tag} with ${result.image.engine} in ${result.image.seconds} s: ${mb(result.image.sizeBytes)}, id ${result.image.id.slice(0, 12)}`,
    );
    if (result.image.stored !== result.tag)
      lines.push(`${result.image.engine} keeps it as ${result.image.stored}: that is the name to give --image`);
    const pushed = result.image.pushed;
    if (pushed)
      lines.push(
        `pushed ${pushed.reference} in ${pushed.seconds} s`,
        'deploy exactly this image (tag for people, digest for the nodes) with:',
        `  berth deploy ${result.model.ref} --image ${pushed.reference}`,
      );
  } else {
    lines.push(`image tag: ${result.tag}`, 'build it with:', `  ${result.buildCommand}`);
  }
  lines.push(
    'run it with:',
    `  ${result.runCommand}`,
    'push it with:',
    ...result.pushCommands.map((line) => `  ${line}`),
  );
  return lines.join('\n');
}
