import { errors } from '../core/errors.js';
import { freePort } from '../core/free-port.js';
import { startProgram } from '../core/programs.js';

/**
 * `berth bench <model dir>`: runs `berth serve` for the model in a child process on a free local
 * port, waits for GET /ready, and stops it (SIGTERM, then SIGKILL) when the bench is done. A child
 * process, not an in-process server, so the load generator and the server do not share an event
 * loop and the numbers mean what they would in a pod.
 */
export interface BerthLauncher {
  /** The program and leading arguments that run the berth CLI (e.g. node [--import tsx] bin.js). */
  program: string;
  args: string[];
}

export interface BenchServer {
  baseUrl: string;
  /** The server's process: benchmarks read its threads' CPU time from /proc. */
  pid: number | undefined;
  stop(): Promise<void>;
}

export { freePort };

/** `berth serve` of a model on loopback, as every benchmark starts it (gRPC port 0: none). */
export function serveArgs(target: string, port: number, grpcPort = 0): string[] {
  return ['serve', target, '--host', '127.0.0.1', '--port', String(port), '--grpc-port', String(grpcPort)];
}

/** @param serveFlags more `berth serve` flags, after the ones set here. */
export async function startBerthServer(
  target: string,
  launcher: BerthLauncher,
  timeoutMs: number,
  serveFlags: string[] = [],
): Promise<BenchServer> {
  const port = await freePort();
  const args = [...launcher.args, ...serveArgs(target, port), '--log-level', 'warn', ...serveFlags];
  const child = startProgram(launcher.program, args);
  const baseUrl = `http://127.0.0.1:${port}`;
  let exited = false;
  void child.wait().then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited)
      throw errors.benchServerFailed(
        target,
        `it exited: ${child.output().trim().split('\n').slice(-5).join(' | ') || '(no output)'}`,
      );
    if (Date.now() > deadline) {
      await child.kill();
      throw errors.benchServerFailed(target, `/ready did not answer 200 within ${timeoutMs} ms`);
    }
    try {
      const response = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    pid: child.pid,
    stop: async () => {
      await child.kill('SIGTERM', 10_000);
    },
  };
}
