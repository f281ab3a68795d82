#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle-loader.js';
import type * as MainModule from './main.js';

// `npm run build` bundles the CLI into dist/bundle/ (scripts/bundle.mjs), loaded with a V8 code
// cache (bundle-loader.ts), and makes this file CommonJS (bundleEntry there): Node sets up its ES
// module loader only for an ES module entry, ~5 ms of every start. A tsc-only build or a source
// checkout runs unbundled, as an ES module.
const bundle = fileURLToPath(new URL('../bundle', import.meta.url));

// main() never rejects: it prints errors and returns the exit code.
const run = ({ main }: typeof MainModule) =>
  void main(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exitCode = code;
  });
if (existsSync(`${bundle}/main.js`)) run(loadBundle(bundle).main as typeof MainModule);
else void import('./main.js').then(run);
