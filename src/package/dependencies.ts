import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errors } from '../core/errors.js';
import { runProgram } from '../core/programs.js';
import { makeReadable } from './permissions.js';
import { pruneDependencies } from './prune.js';

/**
 * Berth's production dependencies for the image, installed on the host from Berth's own lockfile
 * (`npm ci --omit=dev --ignore-scripts`) and pruned for the image's platform.
 *
 * Why on the host and not in a `RUN npm ci` of the build stage: the host already reaches the npm
 * registry (it installed Berth) with its own proxy and CA settings, and its npm cache usually holds
 * every tarball, so this works offline-ish; a RUN step would need network inside the build and,
 * behind a TLS-intercepting proxy, the host's CA bundle mounted in (podman-only `-v`). The result is
 * the same files either way: no dependency compiles anything (`--ignore-scripts`; onnxruntime-node
 * ships prebuilt binaries for every platform in its tarball), so the tree is host-independent, and
 * the build itself then runs with `--network none`.
 *
 * The pruned tree is cached per (package.json dependencies, lockfile, platform): the first build
 * pays for `npm ci` (≈ 15–30 s), later ones copy the folder.
 */
export interface DependencyRequest {
  /** Berth's package root: package.json and (normally) package-lock.json. */
  berthRoot: string;
  cacheDir: string;
  /** onnxruntime-node platform folder to keep: `linux/x64`. */
  platform: string;
  keep: number;
  timeoutMs: number;
  onProgress?: (text: string) => void;
}

export interface Dependencies {
  /** Folder holding the pruned `node_modules`, `package.json` and `package-lock.json`. */
  dir: string;
  cached: boolean;
  seconds: number;
  warnings: string[];
}

/** Bumped when the pruning rules change, so old cache entries are not reused. */
const pruneRulesVersion = 1;
const lockFile = 'package-lock.json';
/** An installed package (`npm install -g berth-*.tgz`) carries its lock file under this name (scripts/package/shrinkwrap.mjs). */
const shrinkwrapFile = 'npm-shrinkwrap.json';

export async function productionDependencies(request: DependencyRequest): Promise<Dependencies> {
  const started = performance.now();
  const packageText = await readFile(join(request.berthRoot, 'package.json'), 'utf8');
  const lockText = await readLock(request.berthRoot);
  const warnings =
    lockText === undefined
      ? [
          `no ${lockFile} next to Berth (${request.berthRoot}); dependencies were resolved afresh with npm install, so the image is not reproducible`,
        ]
      : [];
  const key = cacheKey(packageText, lockText, request.platform);
  const dir = join(request.cacheDir, key);
  const seconds = () => (performance.now() - started) / 1000;

  if (await exists(join(dir, 'node_modules'))) {
    const now = new Date();
    await utimes(dir, now, now); // most recently used: kept by the eviction below
    request.onProgress?.(`production dependencies: cached (${dir})\n`);
    return { dir, cached: true, seconds: seconds(), warnings };
  }

  await mkdir(request.cacheDir, { recursive: true });
  const work = await mkdtemp(join(request.cacheDir, '.install-'));
  try {
    await copyFile(join(request.berthRoot, 'package.json'), join(work, 'package.json'));
    if (lockText !== undefined) await writeFile(join(work, lockFile), lockText);
    // --prefix pins the project to `work` even when npm_config_* variables of an outer npm run
    // (npm test, npx) are inherited; --ignore-scripts: Berth's `prepare` runs tsc (a dev
    // dependency) and onnxruntime-node's install script only downloads CUDA files.
    const args = [
      lockText === undefined ? 'install' : 'ci',
      '--omit=dev',
      '--ignore-scripts',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--prefix',
      work,
    ];
    request.onProgress?.(`production dependencies: npm ${args.slice(0, -2).join(' ')}\n`);
    const result = await runProgram('npm', args, {
      cwd: work,
      timeoutMs: request.timeoutMs,
      onOutput: (chunk) => request.onProgress?.(chunk),
    }).catch((error: Error) => ({ code: 127, stdout: '', stderr: error.message }));
    if (result.code !== 0)
      throw errors.dependencyInstallFailed(
        `npm ${args.join(' ')}`,
        lastLines(result.stderr || result.stdout) || `exit code ${result.code}`,
      );
    const pruned = await pruneDependencies(join(work, 'node_modules'), request.platform);
    await makeReadable(work);
    request.onProgress?.(
      `production dependencies: kept onnxruntime's ${request.platform} binaries (removed ${pruned.removedPlatforms.join(', ') || 'nothing'}), dropped ${pruned.removedFiles} source maps and declarations\n`,
    );
    // A concurrent build may have published the same key meanwhile: theirs is as good as ours.
    await rename(work, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await exists(join(dir, 'node_modules')))) throw error;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  await evictOld(request.cacheDir, dir, request.keep);
  return { dir, cached: false, seconds: seconds(), warnings };
}

/** The checkout's package-lock.json, else the installed package's npm-shrinkwrap.json (same format). */
async function readLock(root: string): Promise<string | undefined> {
  for (const name of [lockFile, shrinkwrapFile]) {
    const text = await readFile(join(root, name), 'utf8').catch(() => undefined);
    if (text !== undefined) return text;
  }
  return undefined;
}

function cacheKey(packageText: string, lockText: string | undefined, platform: string): string {
  const { dependencies = {}, overrides = {} } = JSON.parse(packageText) as {
    dependencies?: unknown;
    overrides?: unknown;
  };
  return createHash('sha256')
    .update(JSON.stringify({ dependencies, overrides, platform, pruneRulesVersion }))
    .update(lockText ?? '')
    .digest('hex')
    .slice(0, 16);
}

/** Keeps the `keep` most recently used entries (the one just used always survives). */
async function evictOld(cacheDir: string, current: string, keep: number): Promise<void> {
  const entries = (await readdir(cacheDir, { withFileTypes: true })).filter(
    (entry) => entry.isDirectory() && !entry.name.startsWith('.'),
  );
  const dated = await Promise.all(
    entries.map(async (entry) => ({
      path: join(cacheDir, entry.name),
      mtime: (await stat(join(cacheDir, entry.name))).mtimeMs,
    })),
  );
  dated.sort((a, b) => b.mtime - a.mtime);
  for (const old of dated.filter((entry) => entry.path !== current).slice(Math.max(0, keep - 1))) {
    await rm(old.path, { recursive: true, force: true });
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

function lastLines(text: string, count = 15): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
