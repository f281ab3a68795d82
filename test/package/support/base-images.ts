import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runProgram } from '../../../src/core/programs.js';
import { repoRoot } from './berth-root.js';

/**
 * The local base and builder images, made by scripts/base-image/build.sh from Debian's packages
 * (no registry is reachable here): cached, so fast when they exist, and serialised, so tests may
 * call it at once. Needs root (debootstrap).
 */
export async function makeBaseImages(): Promise<{ BASE_IMAGE: string; BUILDER_IMAGE: string }> {
  const made = await runProgram('bash', [join(repoRoot, 'scripts/base-image/build.sh')], {
    cwd: repoRoot,
    timeoutMs: 20 * 60_000,
  });
  assert.equal(made.code, 0, `scripts/base-image/build.sh failed:\n${made.stderr.slice(-3000)}`);
  const images = Object.fromEntries(
    made.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=') as [string, string]),
  );
  assert.ok(images.BASE_IMAGE && images.BUILDER_IMAGE, made.stdout);
  return { BASE_IMAGE: images.BASE_IMAGE, BUILDER_IMAGE: images.BUILDER_IMAGE };
}
