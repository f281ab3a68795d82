#!/usr/bin/env node
import { existsSync } from 'node:fs';
import type * as MainModule from './main.js';

// `npm run build` bundles the CLI into dist/bundle/ (scripts/bundle.mjs): one file per chunk instead
// of ~600 modules starts ~160 ms faster. A tsc-only build or a source checkout runs unbundled.
const bundle = new URL('../bundle/main.js', import.meta.url);
const { main } = (await import(existsSync(bundle) ? bundle.href : './main.js')) as typeof MainModule;

// main() never rejects: it prints errors and returns the exit code.
void main(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exitCode = code;
});
