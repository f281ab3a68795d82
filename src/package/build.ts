import { dirname, join, relative } from 'node:path';
import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import { locateBerthFiles } from './berth-files.js';
import { generateCheckScript } from './check-script.js';
import { writeBuildContext } from './context.js';
import { contextLayout, type ImageLayout } from './context-layout.js';
import { productionDependencies } from './dependencies.js';
import { generateDockerfile } from './dockerfile.js';
import { generateDockerignore } from './dockerignore.js';
import { baseImageCommand, findLocalBaseImage } from './base-images.js';
import {
  buildArguments,
  likelyUlimits,
  pushLines,
  runArguments,
  shellLine,
  ulimitCandidates,
  type Engine,
  type EngineName,
} from './engine-args.js';
import {
  detectEngine,
  hostLimits,
  imageExists,
  pushImage,
  runImageBuild,
  workingUlimits,
  type BuiltImage,
  type PushedImage,
} from './engine.js';
import { imageLabels, type ImageIdentity } from './image-labels.js';
import { inRepository, parseImageRef, storedReference, tagProblem } from '../core/image-ref.js';
import type { ModelInput } from './model-files.js';
import { onnxPlatformDir } from './prune.js';
import { gitProvenance } from './provenance.js';

export interface BuildRequest {
  /** The model, resolved by the caller (folder, file or registry version). */
  model: ModelInput;
  /** Image reference to build; the caller applies the default (deploy's `<name>:<version>-<short sha>`). */
  tag: string;
  /** Berth's package root (dist/, proto/, package.json, package-lock.json). */
  berthRoot: string;
  /** Berth's ONNX runtime module relative to berthRoot (`dist/runtime/onnx.js`). */
  runtimeModule: string;
  out: string;
  baseImage?: string;
  builderImage?: string;
  /** Ports from the model's berth.yaml (server.port, server.grpcPort unless 0). */
  ports: number[];
  onnx: CheckOnnx;
  containerize: boolean;
  /** `registry/repository` to push the image to under its tag (implies containerize). */
  push?: string;
  engine?: EngineName;
  /** Overrides for the OCI source/revision labels. */
  source?: string;
  revision?: string;
  cacheDir: string;
  /** Node's version and CPU architecture of the image (default: this process's). */
  nodeVersion?: string;
  arch?: string;
  now?: Date;
  onProgress?: (text: string) => void;
}

type CheckOnnx = { intraOpThreads: number; interOpThreads: number; graphOptimization: string };

export interface BuildResult {
  context: string;
  tag: string;
  model: { ref: string; name: string; version: string; sha256: string; files: string[] };
  berthVersion: string;
  baseImage: string;
  builderImage: string;
  labels: Record<string, string>;
  contextBytes: number;
  dependencies: { cached: boolean; seconds: number };
  /** The command that builds the context (what --containerize runs, as one shell line). */
  buildCommand: string;
  /** How to run the image here: with --containerize, with the `--ulimit`s this host was found to need. */
  runCommand: string;
  /** How to push it (tagged for `<registry>` first when the tag names no registry). */
  pushCommands: string[];
  image?: BuiltImage & {
    engine: EngineName;
    /** The name the engine keeps it under (podman: `localhost/iris:…` for a short name). */
    stored: string;
    pushed?: PushedImage;
  };
  warnings: string[];
}

/**
 * `berth build`: the build context (Dockerfile, .dockerignore, Berth, its pruned production
 * dependencies, the model) and, with `containerize`, the image, built by podman or docker.
 */
export async function buildImage(input: BuildRequest): Promise<BuildResult> {
  if (input.push !== undefined) {
    const target = parseImageRef(input.push);
    if (target.tag !== undefined || target.digest !== undefined)
      throw errors.badImageRef(
        '--push',
        input.push,
        "name a repository without a tag or digest; the tag is the image's own (<version>-<short sha>) and the digest comes from the push",
      );
  }
  const request =
    input.push === undefined ? input : { ...input, tag: inRepository(input.push, input.tag), containerize: true };
  const problem = tagProblem(request.tag);
  if (problem) throw errors.badImageRef(input.push === undefined ? '--tag' : '--push', request.tag, problem);
  const settings = defaults.package;
  const nodeVersion = request.nodeVersion ?? process.versions.node;
  const official = `${settings.nodeImage}:${nodeVersion}-${settings.nodeImageVariant}`;
  const makeBaseImages = baseImageCommand(request.berthRoot, process.getuid?.() === 0);
  const warnings: string[] = [];
  // Without --base-image: Berth's own base for this node version when the engine has one (no
  // registry needed); else --containerize stops and names the command that makes it, and a
  // context-only build names the official image (pulled wherever the context is built).
  const engine = request.containerize
    ? await detectEngine(settings.engineProbeTimeoutMs, request.engine)
    : await detectEngine(settings.engineProbeTimeoutMs, request.engine).catch(() => undefined);
  const localBase =
    request.baseImage === undefined && engine ? await findLocalBaseImage(engine, nodeVersion) : undefined;
  if (request.baseImage === undefined && localBase === undefined) {
    if (request.containerize) throw errors.baseImageNotBuilt(engine!.name, nodeVersion, makeBaseImages, official);
    warnings.push(
      `no Berth base image for Node ${nodeVersion} here, so the Dockerfile defaults to ${official} from Docker Hub; to build offline, make Berth's base images first: ${makeBaseImages}`,
    );
  }
  const baseImage = request.baseImage ?? localBase ?? official;
  // The build stage only COPYs and runs node (exec form), so the runtime base can be the builder
  // too: then the check runs against exactly the libc and libstdc++ that ship.
  const builderImage = request.builderImage ?? baseImage;
  const layout: ImageLayout = { appDir: settings.appDir, nodePath: settings.nodePath };
  const progress = (line: string) => request.onProgress?.(`berth build: ${line}\n`);

  const berth = await locateBerthFiles(request.berthRoot, request.runtimeModule);
  const provenance =
    request.source !== undefined && request.revision !== undefined
      ? {}
      : await gitProvenance(dirname(request.model.path));
  const { model } = request;
  const identity: ImageIdentity = {
    model: { name: model.name, version: model.version, sha256: model.sha256 },
    tag: request.tag,
    berthVersion: berth.version,
    created: (request.now ?? new Date()).toISOString(),
    source: request.source ?? provenance.source ?? model.ref,
    revision: request.revision ?? provenance.revision ?? `sha256:${model.sha256}`,
  };
  const labels = imageLabels(identity);
  const dockerfile = generateDockerfile({
    ...layout,
    builderImage,
    baseImage,
    labels,
    ports: request.ports,
    uid: defaults.deploy.uid,
    gid: defaults.deploy.uid,
    comment: [
      `Model ${model.name} version ${model.version} (sha256 ${model.sha256}), served by Berth ${berth.version}.`,
      `Written by \`berth build ${model.ref}\`; rebuild it with --containerize, or:`,
      `  podman build --build-arg BASE_IMAGE=… --tag ${request.tag} .`,
    ],
  });
  const checkScript = generateCheckScript({
    ...layout,
    sha256: model.sha256,
    runtimeModule: `${layout.appDir}/${request.runtimeModule}`,
    onnx: request.onnx,
  });

  const dependencies = await productionDependencies({
    berthRoot: request.berthRoot,
    cacheDir: request.cacheDir,
    platform: onnxPlatformDir(request.arch ?? process.arch),
    keep: settings.dependencyCacheKeep,
    timeoutMs: settings.npmTimeoutMs,
    onProgress: request.onProgress,
  });
  const buildArgs = { BUILDER_IMAGE: builderImage, BASE_IMAGE: baseImage };
  const engineFor = (name: EngineName): Engine => (engine?.name === name ? engine : { name, globalArgs: [] });
  const commandFor = (name: EngineName, pullNever = true) =>
    shellLine(
      name,
      buildArguments(engineFor(name), {
        context: request.out,
        dockerfile: join(request.out, contextLayout.dockerfile),
        tag: request.tag,
        buildArgs,
        annotations: {},
        pullNever,
      }),
    );
  const shown = engineFor(engine?.name ?? 'podman');
  const limits = await hostLimits();
  const runCommandWith = (ulimits: readonly string[]) =>
    shellLine(shown.name, runArguments(shown, { tag: request.tag, ports: request.ports, ulimits }));
  const buildInfo = {
    berthVersion: berth.version,
    tag: request.tag,
    model: { ref: model.ref, name: model.name, version: model.version, sha256: model.sha256 },
    baseImage,
    builderImage,
    labels,
    build: { podman: commandFor('podman'), docker: commandFor('docker') },
  };
  progress(`writing the build context to ${request.out}`);
  const written = await writeBuildContext({
    dir: request.out,
    dockerfile,
    dockerignore: generateDockerignore(),
    checkScript,
    buildInfo,
    model,
    berth,
    dependencies: dependencies.dir,
  });
  const result: BuildResult = {
    context: written.dir,
    tag: request.tag,
    model: { ...buildInfo.model, files: written.modelFiles },
    berthVersion: berth.version,
    baseImage,
    builderImage,
    labels,
    contextBytes: written.bytes,
    dependencies: { cached: dependencies.cached, seconds: round(dependencies.seconds) },
    buildCommand: commandFor(shown.name),
    runCommand: runCommandWith(likelyUlimits(limits)),
    pushCommands: pushLines(shown, request.tag),
    warnings: [...warnings, ...berth.warnings, ...dependencies.warnings, ...written.warnings],
  };
  if (!request.containerize || !engine) return result;

  let allLocal = true;
  for (const image of new Set([builderImage, baseImage])) {
    if (await imageExists(engine, image)) continue;
    allLocal = false;
    if (parseImageRef(image).repository.startsWith('localhost/'))
      throw errors.baseImageMissing(engine.name, image, makeBaseImages);
  }
  const options = {
    context: written.dir,
    dockerfile: join(written.dir, contextLayout.dockerfile),
    tag: request.tag,
    buildArgs,
    annotations: labels,
    pullNever: allLocal,
  };
  progress(`building ${request.tag} with ${engine.name} (${relative(process.cwd(), written.dir) || '.'})`);
  const built = await runImageBuild(engine, {
    ...options,
    timeoutMs: settings.buildTimeoutMs,
    tailLines: settings.failureTailLines,
    onProgress: request.onProgress,
  });
  progress('checking which --ulimit flags this host needs to start the image');
  const candidates = ulimitCandidates(limits);
  const ulimits = await workingUlimits(engine, request.tag, candidates, layout.nodePath);
  if (!ulimits)
    result.warnings.push(
      `${engine.name} could not start the image with any of: ${candidates.map((set) => set.join(' ') || 'no --ulimit').join('; ')}; see the engine's error with: ${runCommandWith([])}`,
    );
  const image = {
    ...built,
    seconds: round(built.seconds),
    engine: engine.name,
    stored: storedReference(engine.name, request.tag),
  };
  const done = {
    ...result,
    buildCommand: shellLine(engine.name, buildArguments(engine, options)),
    runCommand: runCommandWith(ulimits ?? []),
  };
  if (request.push === undefined) return { ...done, image };
  progress(`pushing ${request.tag}`);
  const pushed = await pushImage(engine, request.tag, {
    timeoutMs: settings.pushTimeoutMs,
    tailLines: settings.failureTailLines,
    onProgress: request.onProgress,
  });
  return { ...done, image: { ...image, pushed: { ...pushed, seconds: round(pushed.seconds) } } };
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;
