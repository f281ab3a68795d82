/**
 * Argument arrays for the container engines (pure: tests read them, engine.ts runs them through
 * src/core/programs.ts, never through a shell).
 */
export type EngineName = 'podman' | 'docker';

export interface Engine {
  name: EngineName;
  /** Global flags before the subcommand (podman's OCI runtime and cgroup manager). */
  globalArgs: string[];
}

export interface HostFacts {
  /** runc is installed: podman must use it where crun fails (cgroup v1/v2 hybrid hosts). */
  runc: boolean;
  /** systemd runs the host (/run/systemd/system exists, sd_booted(3)). */
  systemd: boolean;
}

/**
 * podman's global flags: `--runtime runc` where runc is installed (crun 1.8 fails every container
 * on hybrid-cgroup hosts, and `apt-get install podman` may pull it in and prefer it), and
 * `--cgroup-manager cgroupfs` without systemd (docs/base-image.md, "Podman on these machines").
 */
export function podmanGlobalArgs(host: HostFacts): string[] {
  return [...(host.runc ? ['--runtime', 'runc'] : []), ...(host.systemd ? [] : ['--cgroup-manager', 'cgroupfs'])];
}

export interface BuildArgs {
  context: string;
  dockerfile: string;
  tag: string;
  buildArgs: Record<string, string>;
  /** OCI manifest annotations (podman; docker's classic builder has no such flag). */
  annotations: Record<string, string>;
  /** Every base image is already local: tell podman never to pull (a missing localhost/ tag would
   * otherwise become a pull from a registry named `localhost`). */
  pullNever: boolean;
}

/**
 * `build` with no network: the dependencies were installed before, from the lockfile, so a RUN
 * step that tried to fetch something would be a bug to surface, not to allow.
 */
export function buildArguments(engine: Engine, options: BuildArgs): string[] {
  const args = [...engine.globalArgs, 'build'];
  if (engine.name === 'podman') args.push(options.pullNever ? '--pull=never' : '--pull=missing');
  args.push('--network', 'none');
  for (const [key, value] of Object.entries(options.buildArgs)) args.push('--build-arg', `${key}=${value}`);
  if (engine.name === 'podman')
    for (const [key, value] of Object.entries(options.annotations)) args.push('--annotation', `${key}=${value}`);
  args.push('--tag', options.tag, '--file', options.dockerfile, options.context);
  return args;
}

/**
 * `push`, with the pushed manifest's digest written to `digestFile` (podman; docker prints it).
 * `plainHttp` for a loopback registry, which Docker itself allows without TLS by default.
 */
export function pushArguments(
  engine: Engine,
  image: string,
  options: { digestFile: string; plainHttp: boolean },
): string[] {
  const args = [...engine.globalArgs, 'push'];
  if (engine.name === 'podman') {
    args.push('--digestfile', options.digestFile);
    if (options.plainHttp) args.push('--tls-verify=false');
  }
  args.push(image);
  return args;
}

export function inspectArguments(engine: Engine, image: string): string[] {
  return [...engine.globalArgs, 'image', 'inspect', '--format', '{{.Id}} {{.Size}}', image];
}

/** An argument array as one line a person can paste into a POSIX shell (display only). */
export function shellLine(program: string, args: readonly string[]): string {
  return [program, ...args]
    .map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** Hard limits of this host's processes (/proc/self/limits); undefined where unlimited or unknown. */
export interface HostLimits {
  openFiles?: number;
  processes?: number;
}

/** Rootful podman's default open-files limit for containers (RLIMIT_NOFILE, soft and hard). */
const podmanDefaultOpenFiles = 1_048_576;

/**
 * The `--ulimit`s `run` likely needs on this host, judged from its limits alone. Rootful podman's
 * defaults (nofile 1048576, nproc higher still) exceed the hard limits of some hosts (containers,
 * sandboxes), and runc then fails with `error setting rlimit type 7` (RLIMIT_NOFILE) or `type 6`
 * (RLIMIT_NPROC). A server needs no more files than the host allows, and few processes.
 */
export function likelyUlimits(limits: HostLimits): string[] {
  if (limits.openFiles === undefined || limits.openFiles >= podmanDefaultOpenFiles) return [];
  const files = Math.max(limits.openFiles, 1024);
  return ['--ulimit', `nofile=${files}:${files}`, '--ulimit', 'nproc=4096:4096'];
}

/** `--ulimit` sets to try, in order: the engine's defaults, the likely set, small fixed limits. */
export function ulimitCandidates(limits: HostLimits): string[][] {
  const sets = [[], likelyUlimits(limits), ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1000:1000']];
  return sets.filter((set, index) => sets.findIndex((other) => other.join(' ') === set.join(' ')) === index);
}

/** `run` of the built image with its ports published on loopback, as a person tries it first. */
export function runArguments(
  engine: Engine,
  options: { tag: string; ports: readonly number[]; ulimits: readonly string[] },
): string[] {
  return [
    ...engine.globalArgs,
    'run',
    '--rm',
    ...options.ulimits,
    ...options.ports.flatMap((port) => ['--publish', `127.0.0.1:${port}:${port}`]),
    options.tag,
  ];
}

/** `run` that only starts node in the image and exits: does the engine start containers with these limits? */
export function runProbeArguments(engine: Engine, tag: string, ulimits: readonly string[], nodePath: string): string[] {
  return [
    ...engine.globalArgs,
    'run',
    '--rm',
    '--network',
    'none',
    ...ulimits,
    '--entrypoint',
    nodePath,
    tag,
    '-e',
    '',
  ];
}

/**
 * How to push the image, as shell lines: straight to its registry when the tag names one, else
 * tagged for `<registry>` first (a placeholder the person replaces).
 */
export function pushLines(engine: Engine, tag: string): string[] {
  const [first, ...rest] = tag.split('/');
  // `localhost/…` is podman's name for an image that was never in a registry; `localhost:5000/…` is one.
  const registry = rest.length > 0 && (first!.includes('.') || first!.includes(':')) ? first : undefined;
  const command = (...args: string[]) => shellLine(engine.name, [...engine.globalArgs, ...args]);
  if (registry !== undefined) return [command('push', tag)];
  // `<registry>` is left for the person to fill in, so it is added after quoting.
  const remote = `<registry>/${first === 'localhost' ? rest.join('/') : tag}`;
  return [`${command('tag', tag)} ${remote}`, `${command('push')} ${remote}`];
}
