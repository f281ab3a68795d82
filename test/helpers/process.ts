import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { berthCli } from './berth-cli.js';

/**
 * `berth …` as a real child process: the working tree's command (test/helpers/berth-cli.ts) by
 * default, so tests need no build step; with `built`, the compiled CLI as `npm start` and the image
 * run it (dist/cli/bin.js and its bundle).
 */
export interface BerthProcess {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `env` is laid over this process's environment; a variable set to undefined is left out. */
export function spawnBerth(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { built?: boolean } = {},
): BerthProcess {
  const entry = options.built ? ['dist/cli/bin.js'] : berthCli;
  const child = spawn(process.execPath, [...entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { child, output: () => output, exit };
}

/** Polls a URL until it answers 200 (or the time is up, or `child`, the server behind it, has exited). */
export async function waitForReady(url: string, timeoutMs = 30_000, child?: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child && (child.exitCode ?? child.signalCode) !== null)
      throw new Error(`${url}: its server exited (${child.exitCode ?? child.signalCode})`);
    try {
      // Each try bounded: a port taken by something else may accept and never answer.
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
}

export { freePort } from '../../src/core/free-port.js';
export { serveArgs } from '../../src/plan/bench-server.js';
