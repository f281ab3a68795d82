import { readdirSync, readFileSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { startProgram, type StartedProgram } from '../src/core/programs.js';
import { freePort, serveArgs } from '../src/plan/bench-server.js';
import { round1 } from './report.js';

/** A server under test in its own process (or process tree): where it listens, its memory, and how to stop it. */
export interface ServerUnderTest {
  url: string;
  port: number;
  grpcPort?: number;
  program: StartedProgram;
  /** Milliseconds from spawn to the first 200 from its readiness path. */
  coldStartMs: number;
  /** Resident set size of the whole process tree (workers included), MB. */
  rssMb(): number;
  /** Proportional set size of the tree, MB: pages shared between its processes counted once. */
  pssMb(): number;
  /** How many processes the tree has now. */
  processCount(): number;
  stop(): Promise<void>;
}

/** What to run and how to tell that it is ready. */
export interface ServerSpec {
  program: string;
  args: string[];
  port: number;
  readyPath: string;
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  grpcPort?: number;
}

/** Resident set size of a process, from /proc (Linux); 0 once it has exited. */
export function rssMbOf(pid: number): number {
  return procKb(pid, 'status', /VmRSS:\s+(\d+)/) / 1024;
}

function procKb(pid: number, file: string, pattern: RegExp): number {
  try {
    return Number(pattern.exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** A process and all its descendants, from the parent ids in /proc/<pid>/stat. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // The command name (field 2) may hold spaces and parentheses: the parent id follows its last ')'.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** CPU time the processes have used so far (user + system, all their threads), seconds. */
export function cpuSecondsOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime and stime: fields 14 and 15 of stat(5)
    } catch {
      // exited
    }
  }
  return ticks / clockTicksPerSecond;
}

/** USER_HZ: 100 on every Linux architecture Node runs on (sysconf(_SC_CLK_TCK) is not exposed to JavaScript). */
const clockTicksPerSecond = 100;

let proberLoaded: Promise<unknown> | undefined;
/** Sends a signal to a process that may have exited meanwhile. */
const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name);
  } catch {
    // exited
  }
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Connections the kernel has established on a listening port that the server has not accepted
 * yet: for a socket in LISTEN state, /proc/net/tcp's rx_queue column is its accept queue length
 * (Linux). Node accepts one connection per event-loop turn (libuv#3696), so under a flood, when
 * turns are long, this is where clients wait.
 */
export function acceptQueueOf(port: number): number {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const [, address, , state, queues] = line.trim().split(/\s+/);
    if (state === '0A' && address?.endsWith(local)) return parseInt(queues!.split(':')[1]!, 16);
  }
  return 0;
}

/**
 * The environment a server under test starts with: this one (or `env`) without NODE_EXTRA_CA_CERTS.
 * Node reads and parses that file when the process starts, before any JavaScript runs: with a
 * system bundle of 144 certificates, `node -e 0` took 52–64 ms instead of 20–22 on this 2-core
 * machine, and Berth's main thread ~35 ms more CPU to /ready. A host that exports it (for a
 * proxy's CA, say) added that to every Node server's cold start here, and to no Python one's; no
 * server under test makes a TLS connection, and Berth's image does not set it.
 */
export function serverEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}

/**
 * Spawns a server and times it from spawn to the first 200 from its readiness path (polled every
 * 5 ms; a refused connection costs microseconds). Stopping sends SIGTERM to the server, then to
 * whatever of its tree is left after 5 s, then SIGKILL at 15 s: multi-process servers (uvicorn
 * workers, MLServer's pool) stop their own children on SIGTERM, and this makes sure of it.
 */
export async function startServer(spec: ServerSpec): Promise<ServerUnderTest> {
  // A process's first fetch loads undici, tens of ms that the first server's start would otherwise include.
  proberLoaded ??= fetch('http://127.0.0.1:9/', { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
  await proberLoaded;
  const spawned = performance.now();
  const program = startProgram(spec.program, spec.args, {
    logFile: spec.logFile,
    cwd: spec.cwd,
    env: serverEnv(spec.env),
  });
  let exited = false;
  void program.wait().then(() => (exited = true));
  const url = `http://127.0.0.1:${spec.port}`;
  for (;;) {
    if (exited || performance.now() - spawned > 120_000)
      throw new Error(
        `${spec.program} ${spec.args.join(' ')} ${exited ? 'exited' : 'did not become ready'}: ${program.output().slice(-800)}`,
      );
    try {
      if ((await fetch(`${url}${spec.readyPath}`, { signal: AbortSignal.timeout(2000) })).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const coldStartMs = performance.now() - spawned;
  const pid = program.pid!;
  const tree = () => processTree(pid);
  return {
    url,
    port: spec.port,
    grpcPort: spec.grpcPort,
    program,
    coldStartMs,
    rssMb: () => round1(tree().reduce((sum, each) => sum + rssMbOf(each), 0)),
    pssMb: () => round1(tree().reduce((sum, each) => sum + procKb(each, 'smaps_rollup', /Pss:\s+(\d+)/) / 1024, 0)),
    processCount: () => tree().length,
    stop: async () => {
      const members = tree();
      const stopped = program.kill('SIGTERM', 15_000);
      const deadline = performance.now() + 15_000;
      let nudged = false;
      while (members.some(alive) && performance.now() < deadline) {
        // A server stopped just after its first ready 200 may still be starting workers: they join the tree while its root lives.
        if (alive(pid)) for (const member of tree()) if (!members.includes(member)) members.push(member);
        if (!nudged && performance.now() > deadline - 10_000) {
          nudged = true;
          for (const member of members.filter(alive)) signal(member, 'SIGTERM');
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      for (const member of members.filter(alive)) signal(member, 'SIGKILL');
      await stopped;
    },
  };
}

/** The ceiling: bare node:http with constant JSON (bench/ceiling-server.ts). */
export const startCeiling = (logFile: string) => startBare('ceiling-server', logFile);

/** The floor: bare node:http with JSON, a request id, metrics and an access log (bench/floor-server.ts). */
export const startFloor = (logFile: string) => startBare('floor-server', logFile);

/** A bench script compiled to plain JavaScript beside the CLI's build (packages stay in node_modules). */
export function compiledBenchScript(
  name: 'ceiling-server' | 'floor-server' | 'ort-floor-server' | 'tail-probe',
): string {
  const outfile = `dist/bench/${name}.js`;
  buildSync({
    entryPoints: [`bench/${name}.ts`],
    outfile,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  return outfile;
}

/**
 * A bare server runs as plain JavaScript, as Berth does from dist/: run through tsx, its cold
 * start and memory would be tsx's (a loader, and an esbuild child process) more than its own.
 */
async function startBare(name: 'ceiling-server' | 'floor-server', logFile: string): Promise<ServerUnderTest> {
  const port = await freePort();
  return startServer({
    program: process.execPath,
    args: [compiledBenchScript(name), String(port)],
    port,
    readyPath: '/',
    logFile,
  });
}

/**
 * Berth from the built CLI (dist/), as `npm start` runs it: request logging, metrics and
 * validation on — the production configuration, not a stripped-down one.
 */
export async function startBerth(target: string, flags: string[], logFile: string): Promise<ServerUnderTest> {
  const port = await freePort();
  const grpcPort = await freePort();
  return startServer({
    program: process.execPath,
    args: ['dist/cli/bin.js', ...serveArgs(target, port, grpcPort), ...flags],
    port,
    readyPath: '/ready',
    logFile,
    grpcPort,
  });
}
