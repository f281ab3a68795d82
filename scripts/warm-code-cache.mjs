import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * Starts the built server once on the example model and stops it, so that the bundle's code cache
 * (src/cli/bundle-loader.ts, written at exit) ships with dist/: an image's files are read-only to
 * the server and an install may be too, and they would otherwise compile at every start. A cache
 * made by another Node version is refused and remade at run time where the folder is writable.
 * Optional: if the run fails, the build says so and goes on (the bundle works without a cache).
 */
export async function warmCodeCache(cli) {
  const server = spawn(
    process.execPath,
    [
      cli,
      'serve',
      'examples/iris',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--grpc-port',
      '0',
      '--drain-delay-seconds',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const stderr = [];
  server.stderr.on('data', (chunk) => stderr.push(chunk));
  try {
    const address = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no "listening" line within 60 s')), 60_000);
      createInterface({ input: server.stdout }).on('line', (line) => {
        const address = /"address":"(http:\/\/[^"]+)"/.exec(line)?.[1];
        if (address) {
          clearTimeout(timer);
          resolve(address);
        }
      });
      void exited.then(() => reject(new Error('the server exited')));
    });
    const deadline = Date.now() + 60_000;
    while ((await fetch(`${address}/ready`).catch(() => undefined))?.status !== 200) {
      if (Date.now() > deadline) throw new Error('/ready did not answer 200 within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (error) {
    console.warn(
      `build: no code cache for the bundle (${error.message}): ${Buffer.concat(stderr).toString().slice(-500)}`,
    );
  } finally {
    server.kill('SIGTERM');
    await exited;
  }
}
