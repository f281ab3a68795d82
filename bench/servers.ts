import { readFileSync } from 'node:fs';
import { startProgram, type StartedProgram } from '../src/core/programs.js';
import { freePort } from '../src/plan/bench-server.js';

/** A server under test in its own process: where it listens, its RSS, and how to stop it. */
export interface ServerUnderTest {
  url: string;
  port: number;
  grpcPort?: number;
  program: StartedProgram;
  /** Milliseconds from spawn to the first 200 from `readyPath`. */
  coldStartMs: number;
  rssMb(): number;
  stop(): Promise<void>;
}

/** Resident set size of a process, from /proc (Linux). */
export function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

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

async function start(args: string[], port: number, readyPath: string, logFile: string, extra: { grpcPort?: number } = {}): Promise<ServerUnderTest> {
  const spawned = performance.now();
  const program = startProgram(process.execPath, args, { logFile });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (performance.now() - spawned > 60_000) throw new Error(`${args.join(' ')} did not become ready: ${program.output().slice(-500)}`);
    try {
      if ((await fetch(`${url}${readyPath}`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const coldStartMs = performance.now() - spawned;
  return { url, port, grpcPort: extra.grpcPort, program, coldStartMs, rssMb: () => rssMbOf(program.pid!), stop: async () => void (await program.kill('SIGTERM', 10_000)) };
}

/** The ceiling: bare node:http with constant JSON (bench/ceiling-server.ts, compiled by tsx). */
export const startCeiling = (logFile: string) => startBare('bench/ceiling-server.ts', logFile);

/** The floor: bare node:http with JSON, a request id, metrics and an access log (bench/floor-server.ts). */
export const startFloor = (logFile: string) => startBare('bench/floor-server.ts', logFile);

async function startBare(script: string, logFile: string): Promise<ServerUnderTest> {
  const port = await freePort();
  return start(['--import', 'tsx', script, String(port)], port, '/', logFile);
}

/**
 * Berth from the built CLI (dist/), as `npm start` runs it: request logging, metrics and
 * validation on — the production configuration, not a stripped-down one.
 */
export async function startBerth(target: string, flags: string[], logFile: string): Promise<ServerUnderTest> {
  const port = await freePort();
  const grpcPort = await freePort();
  return start(['dist/cli/bin.js', 'serve', target, '--host', '127.0.0.1', '--port', String(port), '--grpc-port', String(grpcPort), ...flags], port, '/ready', logFile, { grpcPort });
}
