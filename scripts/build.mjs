// `npm run build` (and `prepare`, which `npm ci` and `npm pack` run): a clean dist/ from src/.
// Cleaned first so that a file whose source is gone never ships; dist/cli/bin.js made executable
// because `npx berth` in the checkout runs it as a program (npm sets the mode at install, not here).
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
cpSync('src/http/dashboard/static', 'dist/http/dashboard/static', { recursive: true });
const { bundleCli, bundleEntry } = await import('./bundle.mjs');
await bundleCli('dist/bundle');
await bundleEntry('dist/cli');
chmodSync('dist/cli/bin.js', 0o755);

// The built server started once on the example model and stopped, so that the bundle's code cache
// (src/cli/bundle-loader.ts, written at exit) ships with dist/: an image's files are read-only to the
// server and an install may be too, and they would otherwise compile at every start. A cache made by
// another Node version is refused and remade at run time where the folder is writable. Optional: if
// the run fails, the build says so and goes on (the bundle works without a cache).
// It runs as `berth serve` does by default, with gRPC listening and info logs (startBerthServer
// turns both off), so that the code those run on the way to /ready is in the cache too: the gRPC
// listener's chunk was otherwise compiled at every start of a read-only install.
const { startBerthServer, freePort } = await import('../dist/plan/bench-server.js');
try {
  const launcher = { program: process.execPath, args: ['dist/cli/bin.js'] };
  const server = await startBerthServer('examples/iris', launcher, 60_000, [
    '--drain-delay-seconds',
    '0',
    '--grpc-port',
    String(await freePort()),
    '--log-level',
    'info',
  ]);
  await server.stop();
} catch (error) {
  console.warn(`build: no code cache for the bundle (${error.message})`);
}
