import { join } from 'node:path';
import { runProgram } from '../core/programs.js';
import { shellLine, type Engine } from './engine-args.js';

/**
 * Berth's own base images, made offline by scripts/base-image/build.sh (shipped in the package)
 * from Debian's packages and this machine's node, and found again by the labels it sets
 * (docs/base-image.md): the runtime base for the node version running `berth build`.
 */
export const baseImageScript = join('scripts', 'base-image', 'build.sh');

/** The exact command that makes the base images, for a person to run (root: debootstrap, rootful podman). */
export function baseImageCommand(berthRoot: string, isRoot: boolean): string {
  return shellLine(isRoot ? 'bash' : 'sudo', [...(isRoot ? [] : ['bash']), join(berthRoot, baseImageScript)]);
}

export function localBaseImageArguments(engine: Engine): string[] {
  return [
    ...engine.globalArgs,
    'images',
    '--filter',
    'label=io.berth.base.role=runtime',
    '--format',
    '{{.Repository}}:{{.Tag}} {{.Labels}}',
  ];
}

/**
 * The newest local runtime base for `nodeVersion` (engines list images newest first), if any.
 * The version is matched here, not with a second --filter: podman 4 ORs label filters.
 */
export async function findLocalBaseImage(engine: Engine, nodeVersion: string): Promise<string | undefined> {
  const result = await runProgram(engine.name, localBaseImageArguments(engine), { timeoutMs: 60_000 }).catch(
    () => undefined,
  );
  if (result?.code !== 0) return undefined;
  for (const line of result.stdout.split('\n')) {
    const [image = '', ...labels] = line.trim().split(' ');
    // podman prints the labels as map[key:value …], docker as key=value,…
    const text = labels.join(' ');
    const version = /io\.berth\.node\.version[:=]([^\s,\]]+)/.exec(text)?.[1];
    // Images built FROM the base inherit its labels; only the script's own set this source.
    const fromScript = /org\.opencontainers\.image\.source[:=]berth\/scripts\/base-image\/build\.sh(?=[\s,\]]|$)/.test(
      text,
    );
    if (version === nodeVersion && fromScript && !image.includes('<none>')) return image;
  }
  return undefined;
}
