import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { runProgram } from '../../src/core/programs.js';
import { venvPython } from '../helpers/python-venv.js';

/** The venvs the import tests run in: the full matrix on scikit-learn 1.9, the tutorial's pins on 1.6. */
export const requirements = {
  current: 'scripts/python/requirements/import-sklearn-1.9.txt',
  older: 'scripts/python/requirements/import-sklearn-1.6.txt',
} as const;

export interface ArtifactCase {
  artifact: string;
  sample: string | null;
  args?: string[];
  /** Feature names in row order (null: the model names none). */
  features?: string[] | null;
  rows?: Array<Array<number | string | null>>;
  expected?: { labels?: Array<number | string>; probabilities?: number[][]; values?: number[] };
  labels?: string[];
  skipped?: string;
}

/** Runs scripts/fixtures/import_artifacts.py in `python`; returns the folder and its manifest. */
export async function makeArtifacts(python: string, only?: string[]): Promise<{ dir: string; manifest: Record<string, ArtifactCase> }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-import-artifacts-'));
  const run = await runProgram(python, ['scripts/fixtures/import_artifacts.py', dir, ...(only ? ['--only', only.join(',')] : [])]);
  if (run.code !== 0) throw new Error(`import_artifacts.py failed (${run.code}):\n${run.stderr.slice(-2000)}`);
  return { dir, manifest: JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, ArtifactCase> };
}

export async function pythonFor(t: TestContext, which: keyof typeof requirements): Promise<string | undefined> {
  return venvPython(t, requirements[which]);
}

/** Runs `work` over `items`, at most `limit` at a time (the imports are child processes). */
export async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A row for /predict: named when the model names its features; NaN as OIP's "NaN" token. */
export function predictRow(row: Array<number | string | null>, features: string[] | null | undefined): unknown {
  const values = row.map((value) => (value === null ? 'NaN' : value));
  return features ? Object.fromEntries(features.map((feature, column) => [feature, values[column]])) : values;
}
