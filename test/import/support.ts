import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { hostFacts } from '../../src/core/env.js';
import { runProgram } from '../../src/core/programs.js';
import { defaults } from '../../src/core/defaults.js';
import type { ImportResult } from '../../src/import/import-model.js';
import { venvPython } from '../helpers/python-venv.js';
import { closeEnough, get, post, startTestServer } from '../helpers/server.js';

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

const script = 'scripts/fixtures/import_artifacts.py';

/**
 * Runs scripts/fixtures/import_artifacts.py in `python`; returns the folder and its manifest. The
 * script is seeded, so its output is kept like the venvs are: under the cache, by the content of
 * the script and of the venv's requirements, and made again when either changes.
 */
export async function makeArtifacts(
  python: string,
  only?: string[],
): Promise<{ dir: string; manifest: Record<string, ArtifactCase> }> {
  const venv = basename(dirname(dirname(python)));
  const key = createHash('sha256')
    .update(await readFile(script))
    .update(venv)
    .update(only?.join(',') ?? '')
    .digest('hex')
    .slice(0, 12);
  const dir = join(hostFacts().berthCache, 'import-artifacts', `${venv}-${key}`);
  if (
    !(await access(join(dir, 'manifest.json')).then(
      () => true,
      () => false,
    ))
  ) {
    // Made aside and renamed into place: a run beside this one never sees half a folder.
    const making = `${dir}.${process.pid}`;
    await rm(making, { recursive: true, force: true });
    await mkdir(making, { recursive: true });
    const run = await runProgram(python, [script, making, ...(only ? ['--only', only.join(',')] : [])]);
    if (run.code !== 0) throw new Error(`import_artifacts.py failed (${run.code}):\n${run.stderr.slice(-2000)}`);
    await rename(making, dir).catch(() => rm(making, { recursive: true, force: true }));
  }
  return {
    dir,
    manifest: JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, ArtifactCase>,
  };
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

/** How a missing value travels in JSON requests (the float token OIP clients send for NaN). */
export const missingValue = 'NaN';

/** A row for /predict: named when the model names its features. */
export function predictRow(row: Array<number | string | null>, features: string[] | null | undefined): unknown {
  const values = row.map((value) => value ?? missingValue);
  return features ? Object.fromEntries(features.map((feature, column) => [feature, values[column]])) : values;
}

/** /predict with the manifest's rows (named when the model names its features) and the same rows as OIP v2 tensors. */
export async function servesLikeTheOriginal(
  folder: string,
  name: string,
  entry: ArtifactCase,
  result: ImportResult,
): Promise<void> {
  const server = await startTestServer(folder);
  try {
    const rows = entry.rows!;
    const expected = entry.expected!;
    const tolerance = defaults.import.tolerance;
    const features = result.features ?? null;
    const predict = await post(server, '/predict', { instances: rows.map((row) => predictRow(row, features)) });
    assert.equal(predict.status, 200, predict.raw);
    const metadata = (await get(server, `/v2/models/${name}`)).body as {
      inputs: Array<{ name: string; datatype: string; shape: number[] }>;
      outputs: Array<{ name: string }>;
    };
    const inputs =
      metadata.inputs.length === 1
        ? [
            {
              name: metadata.inputs[0]!.name,
              datatype: metadata.inputs[0]!.datatype,
              shape: [rows.length, rows[0]!.length],
              data: rows.flat().map((value) => value ?? missingValue),
            },
          ]
        : metadata.inputs.map((input) => {
            const column = features!.indexOf(input.name);
            return {
              name: input.name,
              datatype: input.datatype,
              shape: [rows.length, 1],
              data: rows.map((row) => row[column] ?? missingValue),
            };
          });
    const v2 = await post(server, `/v2/models/${name}/infer`, { inputs });
    assert.equal(v2.status, 200, v2.raw);
    const outputs = new Map(
      (v2.body.outputs as Array<{ name: string; data: unknown[] }>).map((output) => [output.name, output.data]),
    );

    if (expected.values) {
      assert.equal(
        closeEnough(predict.body.predictions, expected.values, tolerance),
        -1,
        `/predict ${JSON.stringify(predict.body.predictions)} vs ${JSON.stringify(expected.values)}`,
      );
      assert.equal(
        closeEnough(outputs.get(metadata.outputs[0]!.name)!, expected.values, tolerance),
        -1,
        'OIP v2 values',
      );
      return;
    }
    assert.deepEqual(predict.body.predictions.map(String), expected.labels!.map(String), '/predict labels');
    const [labelOutput, probabilityOutput] = metadata.outputs.map((output) => output.name);
    assert.deepEqual(outputs.get(labelOutput!)!.map(String), expected.labels!.map(String), 'OIP v2 labels');
    if (result.labels.labels)
      assert.deepEqual(
        predict.body.labels,
        expected.labels!.map(
          (label) => result.labels.labels![result.report.kind === 'classifier' ? classIndex(result, label) : 0],
        ),
      );
    if (expected.probabilities) {
      const names = Object.keys(predict.body.probabilities[0]);
      const served = (predict.body.probabilities as Array<Record<string, number>>).flatMap((row) =>
        names.map((label) => row[label]!),
      );
      assert.equal(closeEnough(served, expected.probabilities.flat(), tolerance), -1, '/predict probabilities');
      assert.equal(
        closeEnough(outputs.get(probabilityOutput!)!, expected.probabilities.flat(), tolerance),
        -1,
        'OIP v2 probabilities',
      );
    }
  } finally {
    await server.shutdown('test done');
  }
}

/** The position of `label` among the classes the import saw (the berth.yaml labels are in that order). */
function classIndex(result: ImportResult, label: number | string): number {
  const labels = result.labels.labels!;
  const asName = labels.indexOf(String(label));
  return asName >= 0 ? asName : Number(label);
}
