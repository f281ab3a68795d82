import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { loadBundle } from '../../src/cli/bundle-loader.js';
import { collectStartupGarbage } from '../../src/serve/startup-garbage.js';

/** A bundle as scripts/bundle.mjs lays it out: CommonJS chunks that require each other by './name'. */
async function bundleOf(answer: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-bundle-loader-'));
  await writeFile(
    join(dir, 'main.js'),
    [
      "'use strict';",
      "const shared = require('./chunk-shared.js');",
      "const { basename } = require('node:path');",
      'exports.answer = () => shared.answer();',
      'exports.where = basename(__filename);',
      // Strict as the ES modules it was bundled from: `this` in a plain call is undefined.
      'exports.strict = (function () { return this; })() === undefined;',
      'exports.sameChunk = shared === require("./chunk-shared.js");',
    ].join('\n'),
  );
  await writeFile(join(dir, 'chunk-shared.js'), `'use strict';\nexports.answer = () => ${answer};\n`);
  return dir;
}

/** tsx turns source maps on in the test process; `node dist/cli/bin.js` runs with them off. */
function sourceMaps(t: TestContext, enabled: boolean) {
  const was = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(enabled);
  t.after(() => process.setSourceMapsEnabled(was));
}

type Main = { answer(): number; where: string; strict: boolean; sameChunk: boolean };
const cacheFiles = async (dir: string) =>
  (await readdir(join(dir, 'code-cache'), { recursive: true })).filter((name) => name.endsWith('.bin')).sort();

test('chunks run as CommonJS modules, once each, and a second start uses the code cache the first one saved', async (t) => {
  const dir = await bundleOf('42');
  sourceMaps(t, false);
  t.after(() => rm(dir, { recursive: true, force: true }));
  const first = loadBundle(dir);
  assert.deepEqual(first.fromCache, []);
  const main = first.main as Main;
  assert.deepEqual([main.answer(), main.where, main.strict, main.sameChunk], [42, 'main.js', true, true]);
  first.saveCodeCache();
  const saved = await cacheFiles(dir);
  assert.deepEqual(
    saved.map((name) => name.split('/').pop()),
    ['chunk-shared.js.bin', 'main.js.bin'],
  );
  assert.match(saved[0]!, new RegExp(`^${process.version}-${process.arch}/`));

  const second = loadBundle(dir);
  assert.deepEqual(second.fromCache.sort(), ['chunk-shared.js', 'main.js']);
  assert.equal((second.main as Main).answer(), 42);
});

test("a server's start-up GC has the cache written first, while the code start-up ran is still compiled", async (t) => {
  const dir = await bundleOf('7');
  sourceMaps(t, false);
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal((loadBundle(dir).main as Main).answer(), 7);
  await assert.rejects(cacheFiles(dir), { code: 'ENOENT' });
  collectStartupGarbage();
  assert.deepEqual(
    (await cacheFiles(dir)).map((name) => name.split('/').pop()),
    ['chunk-shared.js.bin', 'main.js.bin'],
  );
});

test('a cache is not used for a chunk whose source changed, even at the same length, nor when its data is damaged', async (t) => {
  const dir = await bundleOf('42');
  sourceMaps(t, false);
  t.after(() => rm(dir, { recursive: true, force: true }));
  loadBundle(dir).saveCodeCache();
  // Same length: V8's own check (the source's length) would take the old code for the new source.
  await writeFile(join(dir, 'chunk-shared.js'), `'use strict';\nexports.answer = () => 43;\n`);
  const changed = loadBundle(dir);
  assert.deepEqual(changed.fromCache, ['main.js']);
  assert.equal((changed.main as Main).answer(), 43);

  const [mainCache] = (await cacheFiles(dir)).filter((name) => name.endsWith('main.js.bin'));
  const stored = await readFile(join(dir, 'code-cache', mainCache!));
  stored[stored.length - 1] ^= 0xff;
  await writeFile(join(dir, 'code-cache', mainCache!), stored);
  const damaged = loadBundle(dir);
  assert.ok(!damaged.fromCache.includes('main.js'));
  assert.equal((damaged.main as Main).answer(), 43);
});

test('where the cache cannot be written, the bundle loads and runs without one', async (t) => {
  const dir = await bundleOf('7');
  sourceMaps(t, false);
  t.after(() => rm(dir, { recursive: true, force: true }));
  // A file where the cache folder would go: what a read-only install looks like to mkdir.
  await writeFile(join(dir, 'code-cache'), '');
  const first = loadBundle(dir);
  first.saveCodeCache();
  const second = loadBundle(dir);
  assert.deepEqual(second.fromCache, []);
  assert.equal((second.main as Main).answer(), 7);
});

test('with source maps on, stack traces from the chunks point into the sources they were built from', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-bundle-loader-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'boom.ts'), "export function boom(): never {\n  throw new Error('boom');\n}\n");
  await build({
    entryPoints: { main: join(dir, 'boom.ts') },
    outdir: join(dir, 'bundle'),
    format: 'cjs',
    platform: 'node',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  sourceMaps(t, true);
  const { main } = loadBundle(join(dir, 'bundle'));
  assert.throws(
    () => (main as { boom(): never }).boom(),
    (error: Error) => /boom\.ts:2:9\)/.test(error.stack ?? ''),
  );
});
