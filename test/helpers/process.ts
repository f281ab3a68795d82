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

export function spawnBerth(
  args: string[],
  env: Record<string, string> = {},
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

/** Polls a URL until it answers 200 (or the time is up). */
export async function waitForReady(url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}
