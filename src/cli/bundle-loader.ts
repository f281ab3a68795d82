import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { beforeStartupFlush } from '../core/startup-moments.js';

/**
 * Loads the CommonJS chunks of dist/bundle/ (scripts/bundle.mjs) with a V8 code cache, because
 * Node 20 has no compile cache of its own and parsing and compiling the serve path's ~1.2 MB of
 * chunks was the largest part of Berth's start-up beyond what node and onnxruntime take.
 *
 * The cache sits in the bundle's own folder (code-cache/<node version>-<arch>/), so it is as trusted
 * as the chunks beside it; a file is used only when its digest covers this chunk's exact source and
 * its data, and V8 checks its own version and flags (`cachedDataRejected`). A chunk without a usable
 * one gets it just before the server's start-up GC drops start-up's code (10 s after start for other
 * commands, or at exit), from the functions compiled by then, where the folder is
 * writable; read-only (an image whose files root owns) it is only read, and no cache is a normal start.
 */
export function loadBundle(dir: string): { main: unknown; fromCache: string[]; saveCodeCache: () => void } {
  // Node maps stack traces of what its own loaders compile, not of a vm.Script: with
  // --enable-source-maps the chunks load through require(), uncached, so traces point into src/.
  if (process.sourceMapsEnabled)
    return { main: createRequire(import.meta.url)(join(dir, 'main.js')), fromCache: [], saveCodeCache: () => {} };
  const cacheDir = join(dir, 'code-cache', `${process.version}-${process.arch}`);
  const modules = new Map<string, { exports: unknown }>();
  const compiled: { name: string; script: Script; cacheFile: string; sourceDigest: Buffer; cached: boolean }[] = [];

  // Every chunk sits in dir, so one require serves them all (each of its own cost ~0.1 ms of path work).
  const packageRequire = createRequire(join(dir, 'main.js'));
  const chunkRequire = Object.assign(
    (specifier: string) => (specifier.startsWith('./') ? load(join(dir, specifier)) : packageRequire(specifier)),
    { resolve: packageRequire.resolve, cache: packageRequire.cache },
  );
  const load = (file: string): unknown => {
    const known = modules.get(file);
    if (known) return known.exports;
    const module = { exports: {} };
    modules.set(file, module);
    const bytes = readFileSync(file);
    const sourceDigest = createHash('sha256').update(bytes).digest();
    const name = file.slice(dir.length + 1);
    const cacheFile = join(cacheDir, `${name}.bin`);
    const cachedData = verifiedCache(cacheFile, sourceDigest);
    // The wrapper takes a line of its own, so line and column numbers (and the source maps) stay the
    // file's. Joined as bytes, so the source is made once, flat: joined as strings, V8 flattened the
    // pair into a copy, ~0.7 MB of young-generation garbage at every start. Chunks are ASCII
    // (minified, non-ASCII escaped), so latin1 is exact and V8 keeps one byte a character.
    const source = Buffer.concat([wrapperStart, bytes, wrapperEnd]).toString('latin1');
    const script = new Script(source, {
      filename: file,
      lineOffset: -1,
      cachedData,
    });
    compiled.push({
      name,
      script,
      cacheFile,
      sourceDigest,
      cached: cachedData !== undefined && !script.cachedDataRejected,
    });
    const run = script.runInThisContext() as (...args: unknown[]) => void;
    run.call(module.exports, module.exports, chunkRequire, module, file, dir);
    return module.exports;
  };

  // After start-up, so the lazily compiled functions it ran are in it too, and before the server's
  // start-up GC flushes them; chunks loaded later (the gRPC stack at the first call) at exit.
  const save = () => {
    const missing = compiled.filter((chunk) => !chunk.cached);
    if (missing.length === 0) return;
    try {
      mkdirSync(cacheDir, { recursive: true });
      for (const chunk of missing) {
        chunk.cached = true;
        const data = chunk.script.createCachedData();
        const temporary = `${chunk.cacheFile}.${process.pid}`;
        writeFileSync(temporary, Buffer.concat([digestOf(chunk.sourceDigest, data), data]));
        renameSync(temporary, chunk.cacheFile);
      }
    } catch {
      // Read-only or full: the next start compiles, as it would with no cache at all.
      for (const chunk of missing) chunk.cached = true;
    }
  };
  (process as NodeJS.EventEmitter).once(beforeStartupFlush, save);
  setTimeout(save, 10_000).unref();
  process.once('exit', save);

  const main = load(join(dir, 'main.js'));
  const fromCache = compiled.filter((chunk) => chunk.cached).map((chunk) => chunk.name);
  return { main, fromCache, saveCodeCache: save };
}

const wrapperStart = Buffer.from('(function (exports, require, module, __filename, __dirname) {\n', 'latin1');
const wrapperEnd = Buffer.from('\n})', 'latin1');

const digestOf = (sourceDigest: Buffer, data: Buffer) =>
  createHash('sha256').update(sourceDigest).update(data).digest();

function verifiedCache(cacheFile: string, sourceDigest: Buffer): Buffer | undefined {
  let stored: Buffer;
  try {
    stored = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const data = stored.subarray(32);
  return stored.subarray(0, 32).equals(digestOf(sourceDigest, data)) ? data : undefined;
}
