import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { TestContext } from 'node:test';
import { hostFacts } from '../../src/core/env.js';
import { cannotRun } from './system-program.js';

/**
 * The Python of the venv that scripts/python/venv.sh makes for `requirements` (same folder rule:
 * <cache>/venvs/<name>-<sha256 of the file, 12 hex>), or undefined after `cannotRun` when it has
 * not been made. Tests never install packages themselves: .ci/run makes every venv first.
 */
export async function venvPython(t: TestContext, requirements: string): Promise<string | undefined> {
  const dir = await venvDir(requirements);
  if (dir !== undefined) return join(dir, 'bin', 'python');
  cannotRun(t, `the Python environment for ${requirements} is missing (bash scripts/python/venv.sh ${requirements})`);
  return undefined;
}

/** The folder of the venv made for `requirements`, or undefined when it has not been made (also used by bench/). */
export async function venvDir(requirements: string): Promise<string | undefined> {
  const hash = createHash('sha256')
    .update(await readFile(requirements))
    .digest('hex')
    .slice(0, 12);
  const dir = join(hostFacts().berthCache, 'venvs', `${basename(requirements, '.txt')}-${hash}`);
  return (await access(join(dir, '.complete')).then(
    () => true,
    () => false,
  ))
    ? dir
    : undefined;
}
