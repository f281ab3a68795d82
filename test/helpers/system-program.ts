import assert from 'node:assert/strict';
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { TestContext } from 'node:test';
import { hostFacts } from '../../src/core/env.js';

/** Is `program` (a path, or a name looked up on PATH) an executable file? */
async function installed(program: string): Promise<boolean> {
  const candidates = isAbsolute(program)
    ? [program]
    : hostFacts()
        .path.split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, program));
  for (const candidate of candidates) {
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/**
 * A program from a Debian package that an end-to-end test drives for real (installed by
 * scripts/ci/install-system-packages.sh); `cannotRun` when it is missing. Resolves whether the
 * test should go on. Looked up, not run: CI's first `chromium --version` on a cold page cache,
 * beside the other test files, once outlasted a 15 s check and read as "not installed".
 */
export async function requireProgram(t: TestContext, program: string, debianPackage: string): Promise<boolean> {
  if (await installed(program)) return true;
  cannotRun(t, `${program} is not installed (Debian package ${debianPackage}; scripts/ci/install-system-packages.sh)`);
  return false;
}

/** A test that cannot run here: a failure in CI, which must run it; a skip elsewhere. */
export function cannotRun(t: TestContext, why: string): void {
  if (hostFacts().ci) assert.fail(`${why}; CI must run this test`);
  t.skip(why);
}
