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
const { bundleCli } = await import('./bundle.mjs');
await bundleCli('dist/bundle');
chmodSync('dist/cli/bin.js', 0o755);
const { warmCodeCache } = await import('./warm-code-cache.mjs');
await warmCodeCache('dist/cli/bin.js');
