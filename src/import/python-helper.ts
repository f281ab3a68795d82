import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaults } from '../core/defaults.js';
import { childEnvironment } from '../core/env.js';
import { errors } from '../core/errors.js';
import { runProgram } from '../core/programs.js';
import type { HelperRequest, HelperResult } from './helper-result.js';

/**
 * The Python helper Berth ships (python/berth-import.py at the package root, beside proto/; found
 * the same way from src/ and from the bundle in dist/). It runs in the user's own Python: the one
 * that trained the model has the library versions its pickle needs.
 */
export const helperScript = fileURLToPath(new URL('../../python/berth-import.py', import.meta.url));

/**
 * Runs the helper on one artifact. The request goes on stdin and the answer comes back as
 * result.json in a private work folder (with model.onnx): neither travels in argv, and nothing the
 * artifact's code prints can be mistaken for the answer. The caller removes `work`.
 */
export async function runHelper(
  python: string,
  request: Omit<HelperRequest, 'work'>,
  cwd: string,
): Promise<{ result: HelperResult; work: string }> {
  const work = await mkdtemp(join(tmpdir(), 'berth-import-'));
  try {
    const run = await runProgram(python, [helperScript], {
      cwd,
      input: JSON.stringify({ ...request, work } satisfies HelperRequest),
      // The package folder may be read-only; the helper's few modules compile in milliseconds.
      env: childEnvironment({ PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' }),
      timeoutMs: defaults.import.helperTimeoutMs,
      maxBuffer: 256 * 1024,
    }).catch((cause: NodeJS.ErrnoException) => {
      throw errors.importNoPython(python, cause.code === 'ENOENT' ? 'not found' : cause.message);
    });
    const text = await readFile(join(work, 'result.json'), 'utf8').catch(() => undefined);
    if (text === undefined) {
      const tail = run.stderr.trim().split('\n').slice(-8).join('\n');
      throw errors.importHelperFailed(python, `exit code ${run.code}${tail ? `:\n${tail}` : ''}`);
    }
    return { result: JSON.parse(text) as HelperResult, work };
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
