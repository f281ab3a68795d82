import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * Modules a bundled package requires when it loads but Berth's server never uses, each replaced by
 * a stand-in that requires it at first use (a property read, a call or `new`):
 * - fastify's node:http2 and node:https, for the HTTP/2 and TLS servers Berth never asks it for;
 *   loaded, node:http2 held ~0.6 MB of native memory for the life of the server, and node:https
 *   brings in node:tls; and its node:dns, which it asks only when told to listen on `localhost`.
 *   (The gRPC stack, loaded at the first gRPC connection, requires node:http2
 *   as usual.)
 * - fastify's semver (47 modules), read only for plugins that name the fastify versions they
 *   support, which Berth's do not;
 * - prom-client's Pushgateway, which requires node:https and node:zlib, for pushing metrics Berth
 *   serves on /metrics instead;
 * - commander's node:child_process, for subcommands that are programs of their own, which Berth's
 *   are not (with node:dgram and ~5 more of Node's modules, ~0.6 ms);
 * - the OpenTelemetry API (44 modules) that prom-client's process CPU metric requires for exemplars,
 *   which it reads only when a scrape collects it with exemplars on (tracing loads the API itself).
 * Each was evaluated at every start on the way to /ready.
 */
const atFirstUseModules = [
  { importer: /node_modules[\\/]fastify[\\/]lib[\\/]server\.js$/, path: /^node:(https|http2|dns)$/ },
  { importer: /node_modules[\\/]fastify[\\/]lib[\\/]plugin-utils\.js$/, path: /^semver$/ },
  { importer: /node_modules[\\/]prom-client[\\/]index\.js$/, path: /^\.\/lib\/pushgateway$/ },
  { importer: /node_modules[\\/]commander[\\/]lib[\\/]command\.js$/, path: /^node:child_process$/ },
  {
    importer: /node_modules[\\/]prom-client[\\/]lib[\\/]metrics[\\/]processCpuTotal\.js$/,
    path: /^@opentelemetry\/api$/,
  },
];

const requiredAtFirstUse = {
  name: 'required-at-first-use',
  setup(build) {
    build.onResolve(
      // Only the paths above reach the callback (esbuild runs the filter in Go, the callback in JavaScript).
      { filter: new RegExp(atFirstUseModules.map((each) => each.path.source).join('|')) },
      ({ path, importer, resolveDir, kind }) =>
        kind === 'require-call' &&
        atFirstUseModules.some((each) => each.importer.test(importer) && each.path.test(path))
          ? { path, namespace: 'at-first-use', pluginData: { resolveDir } }
          : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'at-first-use' }, ({ path, pluginData }) => ({
      // A function target, so a class (Pushgateway) can be constructed through it as well.
      contents: [
        'let loaded;',
        `const load = () => (loaded ??= require(${JSON.stringify(path)}));`,
        'module.exports = new Proxy(function () {}, {',
        '  get: (_, key) => load()[key],',
        '  has: (_, key) => key in load(),',
        '  construct: (_, args) => Reflect.construct(load(), args),',
        '  apply: (_, self, args) => Reflect.apply(load(), self, args),',
        '});',
      ].join('\n'),
      loader: 'js',
      resolveDir: pluginData.resolveDir,
    }));
  },
};

/**
 * onnxruntime-node's JavaScript is bundled (and so code-cached) like any package; only its native
 * addon stays in node_modules, required by its path in the installed package, found at run time.
 */
const onnxruntimeAddonInPlace = {
  name: 'onnxruntime-addon-in-place',
  setup(build) {
    build.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const addon = 'require(`../bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`)';
      if (!source.includes(addon)) throw new Error(`${path}: onnxruntime-node no longer loads its addon as ${addon}`);
      return {
        contents: source.replace(
          addon,
          "require(require('node:path').join(require.resolve('onnxruntime-node/package.json'), '..', 'bin', 'napi-v6', process.platform, process.arch, 'onnxruntime_binding.node'))",
        ),
        loader: 'js',
      };
    });
  },
};

/**
 * Bundles the CLI into dist/bundle/ (run by `npm run build` after tsc; `npm test` makes one of its own
 * from the working tree, see scripts/run-tests.mjs). Node 20 has no module
 * compile cache, so loading ~600 files from node_modules was most of a cold start: measured
 * 520–550 ms unbundled, 350–380 ms bundled (spawn → /ready 200, iris). Split into chunks so the
 * server never parses the commands it does not run. The chunks are then rewritten as CommonJS, so
 * dist/cli/bin.js can load them through src/cli/bundle-loader.ts with a V8 code cache (Node 20 has
 * none for ES modules): spawn → /ready of iris ~100 ms less CPU (bench/results/cold-iris-2.md). A
 * kept-out package that is an ES module (@kubernetes/client-node) is then require()d: Node ≥ 20.19.
 *
 * Kept out (loaded from node_modules as usual):
 * - onnxruntime-node's native addon (its JavaScript and onnxruntime-common's are bundled: from
 *   node_modules, uncached, they were ~10 ms of the main thread's start-up CPU);
 * - swagger-ui-dist, autocannon: they read their own files (assets, worker scripts) beside their code;
 * - @kubernetes/client-node: half the bundle's size, used by `deploy`/`status` only;
 * - fastify's schema compilers (ajv, fast-json-stringify): never loaded, Berth gives fastify no
 *   schemas (src/http/no-schema-compilers.ts); bundled, the server parsed ~0.5 MB of them at every start.
 * Every chunk keeps import.meta.url two folders below the package root, as tsc's output does,
 * so files found relative to it (proto/, package.json) resolve the same way.
 *
 * Whitespace and comments are minified away, names are kept (stack traces stay readable; with
 * `node --enable-source-maps` they point into src/ through the linked .map files). V8 keeps each
 * module's source text for as long as the process lives, and a single non-ASCII character (an
 * en dash in a comment) made it keep the 1.85 MB serve chunk as a two-byte string: 3.7 MB of heap.
 * Minified and ASCII-only, the serve chunk is 1.16 MB and RSS 1 s after /ready fell ~3.5 MB
 * (111 → 108 MB, five interleaved spawns each). Licence comments go to *.LEGAL.txt beside each chunk.
 */
export async function bundleCli(outdir) {
  const esm = `${outdir}.esm`;
  for (const dir of [outdir, esm]) rmSync(dir, { recursive: true, force: true });
  await build({
    // The onnxruntime thread's module is loaded by file name (src/runtime/ort-thread.ts), so it is an entry of its own.
    entryPoints: { main: 'src/cli/main.ts', 'ort-worker': 'src/runtime/ort-worker.ts' },
    outdir: esm,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: [
      'swagger-ui-dist',
      'autocannon',
      '@kubernetes/client-node',
      '@fastify/ajv-compiler',
      '@fastify/fast-json-stringify-compiler',
    ],
    plugins: [requiredAtFirstUse, onnxruntimeAddonInPlace],
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  // The chunks again as CommonJS (the ESM folder says "module", so default imports of CommonJS
  // packages keep Node's meaning): Node 20 gives a code cache to vm.Script, not to ES modules, and
  // src/cli/bundle-loader.ts loads them through one. Dynamic import() becomes require() in a promise.
  writeFileSync(`${esm}/package.json`, '{ "type": "module" }\n');
  await build({
    entryPoints: readdirSync(esm)
      .filter((name) => name.endsWith('.js'))
      .map((name) => `${esm}/${name}`),
    outdir,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    // import.meta.url only: files found relative to a chunk (proto/, package.json, static/), made
    // when read (most chunks never read it, and each URL cost ~0.05 ms at every start).
    define: { 'import.meta': '__berthImportMeta' },
    // "use strict" first: ES modules are strict, and esbuild's own directive comes after the banner.
    banner: {
      js: "'use strict';\nconst __berthImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };",
    },
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(`${outdir}/package.json`, '{ "type": "commonjs" }\n');
  for (const name of readdirSync(esm).filter((each) => each.endsWith('.LEGAL.txt')))
    cpSync(`${esm}/${name}`, `${outdir}/${name}`);
  rmSync(esm, { recursive: true, force: true });
  cpSync('src/http/dashboard/static', `${outdir}/static`, { recursive: true });
}

/**
 * The CLI's entry, cli/bin.js beside the bundle (made by bundleCli), as one CommonJS file with
 * src/cli/bundle-loader.ts in it. Node sets up its ES module loader only for an ES module entry:
 * a tsc-built bin.js, an ES module like the rest of dist/, began running ~5–6 ms later than a
 * CommonJS one (`performance.now()` at its first line, this 2-core machine), at every start.
 * cli/package.json names no type, so bin.js is CommonJS while the ES modules tsc wrote beside it
 * (main.js, for a tree without the bundle) are still found to be ES modules if they are loaded.
 */
export async function bundleEntry(clidir) {
  await build({
    entryPoints: ['src/cli/bin.ts'],
    outfile: `${clidir}/bin.js`,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // The unbundled CLI, imported only where the bundle is missing.
    external: ['./main.js'],
    define: { 'import.meta': '__berthImportMeta' },
    banner: {
      js: "'use strict';\nconst __berthImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };",
    },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(`${clidir}/package.json`, '{}\n');
}
