import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { runProgram } from '../../../src/core/programs.js';

/**
 * The browser scripts are plain ES modules (no build step) with JSDoc types: tsc checks them in
 * strict mode against the DOM, so they get the same type safety as the TypeScript code.
 */
test('the dashboard scripts type-check against the DOM', { timeout: 120_000 }, async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = await runProgram(process.execPath, [
    tsc,
    '-p',
    new URL('./tsconfig.static.json', import.meta.url).pathname,
  ]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
});
