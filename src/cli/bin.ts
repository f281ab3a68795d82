#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './bundle-loader.js';
import type * as MainModule from './main.js';

// `npm run build` bundles the CLI into dist/bundle/ (scripts/bundle.mjs), loaded with a V8 code
// cache (bundle-loader.ts). A tsc-only build or a source checkout runs unbundled.
const bundle = fileURLToPath(new URL('../bundle', import.meta.url));
const { main } = (
  existsSync(`${bundle}/main.js`) ? loadBundle(bundle).main : await import('./main.js')
) as typeof MainModule;

// main() never rejects: it prints errors and returns the exit code.
void main(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exitCode = code;
});
