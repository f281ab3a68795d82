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
  if (engine.name === 'podman') for (const [key, value] of Object.entries(options.annotations)) args.push('--annotation', `${key}=${value}`);
  args.push('--tag', options.tag, '--file', options.dockerfile, options.context);
  return args;
}

/**
 * `push`, with the pushed manifest's digest written to `digestFile` (podman; docker prints it).
 * `plainHttp` for a loopback registry, which Docker itself allows without TLS by default.
 */
export function pushArguments(engine: Engine, image: string, options: { digestFile: string; plainHttp: boolean }): string[] {
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
  return [program, ...args].map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
