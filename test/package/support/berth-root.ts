import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../../../src/core/programs.js';

/** The checkout this test runs from. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const roots = join(repoRoot, '.cache', 'berth-build-test');

/**
 * A Berth package root whose dist/ matches src/: the checkout itself when its dist/ is newer than
 * every source file (CI: `npm ci` runs `prepare` → tsc), else a copy compiled into .cache/ (so a
 * stale local dist/ is neither used nor overwritten under other people's feet). Inside the checkout,
 * so the compiled CLI finds node_modules by walking up.
 */
export async function freshBerthRoot(log: (line: string) => void): Promise<string> {
  await removeOrphans(roots);
  const entry = await stat(join(repoRoot, 'dist', 'cli', 'bin.js')).catch(() => undefined);
  const newest = await newestMtime(join(repoRoot, 'src'));
  if (entry && entry.mtimeMs >= newest) return repoRoot;
  const root = join(roots, `root-${process.pid}`);
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

/** Roots left by runs that were stopped before they removed theirs: their process is gone. */
async function removeOrphans(roots: string) {
  for (const name of await readdir(roots).catch(() => [] as string[])) {
    const pid = Number(/^root-(\d+)$/.exec(name)?.[1]);
    if (pid && !isRunning(pid)) await rm(join(roots, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestMtime(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}
