import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../../../src/core/programs.js';

/** The checkout this test runs from. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A Berth package root whose dist/ matches src/: the checkout itself when its dist/ is newer than
 * every source file (CI: `npm ci` runs `prepare` → tsc), else a copy compiled into .cache/ (so a
 * stale local dist/ is neither used nor overwritten under other people's feet). Inside the checkout,
 * so the compiled CLI finds node_modules by walking up.
 */
export async function freshBerthRoot(log: (line: string) => void): Promise<string> {
  const entry = await stat(join(repoRoot, 'dist', 'cli', 'bin.js')).catch(() => undefined);
  const newest = await newestMtime(join(repoRoot, 'src'));
  if (entry && entry.mtimeMs >= newest) return repoRoot;
  const root = join(repoRoot, '.cache', 'berth-build-test', `root-${process.pid}`);
  log(`dist/ is ${entry ? 'older than src/' : 'missing'}; compiling src/ into ${root}`);
  await mkdir(root, { recursive: true });
  for (const name of ['package.json', 'package-lock.json', 'proto'])
    await cp(join(repoRoot, name), join(root, name), { recursive: true });
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  // noEmitOnError off: a type error in someone's unfinished file elsewhere should not stop this test.
  const result = await runProgram(
    process.execPath,
    [
      tsc,
      '-p',
      join(repoRoot, 'tsconfig.build.json'),
      '--outDir',
      join(root, 'dist'),
      '--noEmitOnError',
      'false',
      '--sourceMap',
      'false',
    ],
    { cwd: repoRoot, timeoutMs: 300_000 },
  );
  if (!(await stat(join(root, 'dist', 'cli', 'bin.js')).catch(() => undefined)))
    throw new Error(`tsc did not emit dist/cli/bin.js:\n${result.stdout}${result.stderr}`);
  // `npm run build` also copies assets kept beside the sources (the dashboard's static files).
  await cp(join(repoRoot, 'src'), join(root, 'dist'), {
    recursive: true,
    filter: async (source) => (await stat(source)).isDirectory() || !source.endsWith('.ts'),
  });
  return root;
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}
