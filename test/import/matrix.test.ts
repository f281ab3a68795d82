import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaults } from '../../src/core/defaults.js';
import { BerthError } from '../../src/core/errors.js';
import { paritySummary, type ParityReport } from '../../src/core/parity-report.js';
import { describeOnnxModel } from '../../src/runtime/describe-onnx.js';
import { importModel, type ImportOptions, type ImportResult } from '../../src/import/import-model.js';
import { listModels, resolveModel } from '../../src/registry/index.js';
import { inParallel, makeArtifacts, pythonFor, servesLikeTheOriginal } from './support.js';

/** Options beyond the manifest's for some cases (the flags a user would pass). */
const extra: Record<string, Partial<ImportOptions>> = {
  'xgb-json': { labels: ['setosa', 'versicolor', 'virginica'] },
  'sk-pipeline': { features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] },
  'sk-gradient-boosting': { features: ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'] },
};
const passing = [
  'sk-forest',
  'sk-pipeline',
  'sk-columns',
  'boosted-pipeline',
  'sk-hgb-missing',
  'sk-gradient-boosting',
  'sk-linear',
  'sk-svc',
  'sk-knn',
  'xgb-json',
  'xgb-ubj',
  'xgb-joblib',
  'lgbm-txt',
  'lgbm-joblib',
  'onnx-exported',
];
const refused: Record<string, { code: string; says: RegExp }> = {
  'not-a-model': {
    code: 'BERTH_IMPORT_NOT_A_MODEL',
    says: /holds a builtins\.dict with keys threshold, weights, not a model/,
  },
  clusterer: {
    code: 'BERTH_IMPORT_UNSUPPORTED',
    says: /cannot import KMeans: it is neither a classifier nor a regressor/,
  },
  'custom-step': {
    code: 'BERTH_IMPORT_CONVERSION_FAILED',
    says: /skl2onnx could not convert LogScaler: it has no converter/,
  },
};

test('berth import: every artifact kind converts, proves parity, and serves like the original through /predict and OIP v2', async (t) => {
  const python = await pythonFor(t, 'current');
  if (!python) return;
  const { dir, manifest } = await makeArtifacts(python);
  const out = await mkdtemp(join(tmpdir(), 'berth-import-out-'));
  const run = (name: string, options: Partial<ImportOptions> = {}) => {
    const entry = manifest[name]!;
    return importModel({
      artifact: join(dir, name, entry.artifact),
      ...(entry.sample ? { sample: join(dir, name, entry.sample) } : {}),
      name,
      out: join(out, name),
      python,
      cwd: join(dir, name),
      ...extra[name],
      ...options,
    });
  };
  const repository = join(out, 'model-repository');
  const register = { repository, describe: describeOnnxModel };
  const names = [...passing, ...Object.keys(refused), 'timestamps'];
  const outcomes = await inParallel(names, 3, (name) =>
    run(name, name === 'timestamps' ? { register } : {}).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    ),
  );
  const outcome = new Map(names.map((name, index) => [name, outcomes[index]!]));

  for (const name of passing) {
    await t.test(name, async (t) => {
      const entry = manifest[name]!;
      assert.equal(entry.skipped, undefined);
      const { result, error } = outcome.get(name) as { result?: ImportResult; error?: unknown };
      assert.ok(result, `import failed: ${(error as Error | undefined)?.message}`);
      assert.equal(result.report.passed, true);
      assert.equal(result.report.rows.source, entry.sample ? 'sample' : 'generated');
      for (const output of result.report.outputs)
        assert.ok(output.passed, `${output.output}: ${JSON.stringify(output)}`);
      t.diagnostic(
        `${name}: ${result.report.estimator} (${result.report.framework.name} ${result.report.framework.version}): ${paritySummary(result.report)}`,
      );
      const written = JSON.parse(await readFile(join(out, name, 'parity.json'), 'utf8')) as ParityReport;
      assert.deepEqual(written, result.report);
      await servesLikeTheOriginal(join(out, name), name, entry, result);
    });
  }

  for (const [name, expected] of Object.entries(refused)) {
    await t.test(`${name} is refused with its reason`, async () => {
      const { error } = outcome.get(name) as { error?: unknown };
      assert.ok(error instanceof BerthError, `expected an error, got ${String(error)}`);
      assert.equal(error.code, expected.code);
      assert.match(error.message, expected.says);
      assert.doesNotMatch(error.message, /Traceback/);
    });
  }

  await t.test(
    'float32 inputs that cannot hold timestamps fail parity, write only the report, and --precision double passes',
    async (t) => {
      const { error } = outcome.get('timestamps') as { error?: unknown };
      assert.ok(error instanceof BerthError, String(error));
      assert.equal(error.code, 'BERTH_PARITY_FAILED');
      assert.match(error.message, /values: \d+ values beyond abs 0\.00001 \+ rel 0\.0001, max abs error \d+/);
      assert.match(error.message, /worst row \d+: original [\d.]+, served [\d.e-]+/);
      assert.match(error.message, /--precision double/);
      const report = JSON.parse(await readFile(join(out, 'timestamps', 'parity.json'), 'utf8')) as ParityReport;
      assert.equal(report.passed, false);
      assert.equal(report.outputs[0]!.worst.length, defaults.import.worstRows);
      await assert.rejects(stat(join(out, 'timestamps', 'model.onnx')), { code: 'ENOENT' });
      assert.deepEqual(await listModels(repository), [], 'a failed import registers nothing');

      t.diagnostic(`timestamps, float32 inputs: ${paritySummary(report)}`);
      const fixed = await run('timestamps', { precision: 'double', register });
      t.diagnostic(`timestamps, --precision double: ${paritySummary(fixed.report)}`);
      assert.equal(fixed.report.passed, true);
      assert.ok(fixed.report.outputs[0]!.maxAbsError! < 1e-6, JSON.stringify(fixed.report.outputs));
      assert.equal(fixed.registered?.version, 1);
      const stored = await resolveModel(repository, 'timestamps@1');
      assert.deepEqual(stored.metadata.parity, fixed.report);
      assert.equal(stored.metadata.reference?.source, join(dir, 'timestamps', 'sample.csv'));
      assert.deepEqual(
        (stored.metadata.reference?.profile as { features: Array<{ name: string }> }).features.map(
          (feature) => feature.name,
        ),
        ['started_at', 'ended_at'],
      );
      assert.deepEqual(
        stored.metadata.signature.inputs.map((input) => input.datatype),
        ['FP64'],
      );
      await servesLikeTheOriginal(join(out, 'timestamps'), 'timestamps', manifest.timestamps!, fixed);
    },
  );
});
