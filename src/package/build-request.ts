import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveConfig } from '../core/config.js';
import { hostFacts } from '../core/env.js';
import { errors } from '../core/errors.js';
import { defaultImage } from '../core/image-name.js';
import { locateModel, type RegistryLookup } from '../core/locate-model.js';
import { berthRoot } from './berth-files.js';
import type { BuildRequest } from './build.js';

/** What the user chose for `berth build`; everything else follows from the model and its berth.yaml. */
export interface BuildChoices {
  /** Image to build (default: berth.yaml deploy.image, else the image `berth manifests` uses). */
  tag?: string;
  /** Build context folder (default: build/<image name>-<tag>). */
  out?: string;
  baseImage?: string;
  builderImage?: string;
  containerize?: boolean;
  /** Repository to build the image in and push it to (implies containerize). */
  push?: string;
  engine?: string;
  source?: string;
  revision?: string;
  /** Resolves NAME@ALIAS and NAME@VERSION (the registry, which this area may not import). */
  registry?: RegistryLookup;
}

/** A model reference and the user's choices → a BuildRequest: the model located as deploy locates it, the tag deploy would use. */
export async function buildRequest(ref: string, choices: BuildChoices = {}): Promise<Omit<BuildRequest, 'onProgress'>> {
  const { engine } = choices;
  if (engine !== undefined && engine !== 'podman' && engine !== 'docker')
    throw errors.badUsage(`--engine takes podman or docker, got ${JSON.stringify(engine)}`);
  const source = await locateModel(ref, { registry: choices.registry });
  // The container's ports and ONNX settings are the berth.yaml's (this host's BERTH_* variables are not the pod's).
  const { settings } = resolveConfig({ file: source.config, baseDir: source.dir });
  const tag = choices.tag ?? settings.deploy.image ?? defaultImage(source);
  const slug = tag.slice(tag.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9_.-]+/g, '-');
  return {
    model: {
      ref,
      path: source.path,
      name: source.name,
      version: source.version,
      sha256: source.sha256,
      configPath: source.configPath,
      metadataPath: source.metadataPath,
    },
    tag,
    berthRoot,
    runtimeModule: 'dist/runtime/onnx.js',
    out: resolve(choices.out ?? join('build', slug)),
    baseImage: choices.baseImage,
    builderImage: choices.builderImage,
    ports: [settings.server.port, settings.server.grpcPort].filter((port) => port > 0),
    onnx: settings.onnx,
    containerize: Boolean(choices.containerize) || choices.push !== undefined,
    push: choices.push,
    engine,
    source: choices.source,
    revision: choices.revision,
    cacheDir: join(hostFacts().home ?? tmpdir(), '.cache', 'berth', 'dependencies'),
  };
}
