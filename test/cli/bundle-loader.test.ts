import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from '../../src/cli/bundle-loader.js';

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

type Main = { answer(): number; where: string; strict: boolean; sameChunk: boolean };
const cacheFiles = async (dir: string) =>
  (await readdir(join(dir, 'code-cache'), { recursive: true })).filter((name) => name.endsWith('.bin')).sort();

test('chunks run as CommonJS modules, once each, and a second start uses the code cache the first one saved', async (t) => {
  const dir = await bundleOf('42');
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

test('a cache is not used for a chunk whose source changed, even at the same length, nor when its data is damaged', async (t) => {
  const dir = await bundleOf('42');
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
  t.after(() => rm(dir, { recursive: true, force: true }));
  // A file where the cache folder would go: what a read-only install looks like to mkdir.
  await writeFile(join(dir, 'code-cache'), '');
  const first = loadBundle(dir);
  first.saveCodeCache();
  const second = loadBundle(dir);
  assert.deepEqual(second.fromCache, []);
  assert.equal((second.main as Main).answer(), 7);
});
