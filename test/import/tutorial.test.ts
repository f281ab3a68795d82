import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BerthError } from '../../src/core/errors.js';
import { paritySummary, type ParityReport } from '../../src/core/parity-report.js';
import { runProgram } from '../../src/core/programs.js';
import { startServer } from '../../src/serve/start-server.js';
import { importModel } from '../../src/import/import-model.js';
import { freePort, serveArgs, spawnBerth, waitForReady } from '../helpers/process.js';
import { get } from '../helpers/server.js';
import { makeArtifacts, pythonFor, requirements, servesLikeTheOriginal } from './support.js';

/**
 * The iris tutorial as its reader lives it, on two scikit-learn versions (the venv that trained a
 * pickle is the one that must convert it): its train.py unchanged, then `berth import`, then
 * `berth serve`, then the tutorial's curl body. Both as real `berth` processes.
 */
// The two venvs' imports and servers are child processes: they overlap on the machine's cores.
describe("berth import in the tutorial's environments", { concurrency: true }, () => {
  for (const which of ['older', 'current'] as const) {
    test(`tutorial train.py on ${requirements[which].replace(/.*import-/, '').replace('.txt', '')}: berth import model.joblib --register, berth serve, the tutorial's request answers with label names`, async (t) => {
      const python = await pythonFor(t, which);
      if (!python) return;
      const dir = await mkdtemp(join(tmpdir(), 'berth-tutorial-'));
      await copyFile('test/fixtures/import/tutorial-train.py', join(dir, 'train.py'));
      await copyFile('examples/iris/reference.csv', join(dir, 'iris.csv'));
      const [trained, pipeline] = await Promise.all([
        runProgram(python, ['train.py'], { cwd: dir }),
        makeArtifacts(python, ['sk-pipeline']),
      ]);
      assert.equal(trained.code, 0, trained.stderr);
      assert.match(trained.stdout, /wrote model\.joblib/);
      const repository = join(dir, 'model-repository');

      const pipelineImport = importModel({
        artifact: join(pipeline.dir, 'sk-pipeline', 'model.pkl'),
        name: 'pipeline',
        out: join(dir, 'pipeline'),
        python,
        features: pipeline.manifest['sk-pipeline']!.features!,
      });
      const berthImport = spawnBerth([
        'import',
        join(dir, 'model.joblib'),
        '--sample',
        join(dir, 'iris.csv'),
        '--name',
        'iris',
        '--python',
        python,
        '--register',
        '--repository',
        repository,
      ]);
      const { code } = await berthImport.exit;
      assert.equal(code, 0, berthImport.output());
      const text = berthImport.output();
      assert.match(
        text,
        /Loading model\.joblib runs the code inside it \(unpickling\): berth import does that only here, in a child process of .*python, and the server never does\./,
      );
      assert.equal(text.match(/runs the code inside it/g)!.length, 1);
      assert.match(text, /RandomForestClassifier \(scikit-learn 1\.\d+\.\d+\) → ONNX with skl2onnx/);
      assert.match(text, /labels {4}setosa, versicolor, virginica/);
      assert.match(text, /labels {8}150\/150 agree/);
      assert.match(text, /registered iris@1/);
      const yaml = await readFile(join(dir, 'iris', 'berth.yaml'), 'utf8');
      assert.match(yaml, /features: \[ sepal_length, sepal_width, petal_length, petal_width \]/);
      assert.match(yaml, /labels: \[ setosa, versicolor, virginica \]/);
      assert.match(yaml, /reference: reference\.csv/);

      const port = await freePort();
      const served = spawnBerth([...serveArgs(join(dir, 'iris'), port)]);
      try {
        await waitForReady(`http://127.0.0.1:${port}/ready`);
        const reply = await fetch(`http://127.0.0.1:${port}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2}',
        });
        assert.equal(reply.status, 200);
        const body = (await reply.json()) as {
          prediction: number;
          label: string;
          probabilities: Record<string, number>;
        };
        assert.equal(body.label, 'setosa');
        assert.equal(body.prediction, 0);
        assert.deepEqual(Object.keys(body.probabilities), ['setosa', 'versicolor', 'virginica']);
        const drift = await fetch(`http://127.0.0.1:${port}/v2/models/iris/drift`);
        assert.equal(drift.status, 200, 'the sample became the drift reference');
      } finally {
        served.child.kill('SIGTERM');
        await served.exit;
      }

      const show = spawnBerth(['models', 'show', 'iris', '--repository', repository]);
      assert.equal((await show.exit).code, 0, show.output());
      assert.match(
        show.output(),
        /imported +model\.joblib: RandomForestClassifier \(scikit-learn 1\.\d+\.\d+\) via skl2onnx/,
      );
      assert.match(show.output(), /parity +passed on 150 sample rows: labels 150\/150, probabilities max abs error \d/);
      assert.match(show.output(), /reference +statistics from .*iris\.csv/);
      const server = await startServer({
        flags: {
          'server.port': 0,
          'server.host': '127.0.0.1',
          'server.grpcPort': 0,
          'log.level': 'silent',
          'repository.path': repository,
        },
      });
      try {
        await server.loaded;
        const metadata = await get(server, '/v2/models/iris');
        assert.match(metadata.body.parameters.parity, /^passed on 150 sample rows/);
        assert.match(metadata.body.parameters.imported_from, /^model\.joblib: RandomForestClassifier/);
      } finally {
        await server.shutdown('test done');
      }

      const pipelineResult = await pipelineImport;
      assert.equal(pipelineResult.report.passed, true);
      const forest = JSON.parse(await readFile(join(dir, 'iris', 'parity.json'), 'utf8')) as ParityReport;
      t.diagnostic(`${forest.estimator} (scikit-learn ${forest.framework.version}): ${paritySummary(forest)}`);
      t.diagnostic(
        `${pipelineResult.report.estimator} (scikit-learn ${pipelineResult.report.framework.version}): ${paritySummary(pipelineResult.report)}`,
      );
      assert.match(pipelineResult.report.estimator, /^Pipeline\(StandardScaler → LogisticRegression\)$/);
      await servesLikeTheOriginal(join(dir, 'pipeline'), 'pipeline', pipeline.manifest['sk-pipeline']!, pipelineResult);
    });
  }

  test("a converter missing from the user's Python stops with the pip line that fits its scikit-learn", async (t) => {
    const python = await pythonFor(t, 'older');
    if (!python) return;
    const { dir, manifest } = await makeArtifacts(python, ['lgbm-txt']);
    const error = await importModel({
      artifact: join(dir, 'lgbm-txt', manifest['lgbm-txt']!.artifact),
      name: 'lgbm',
      out: join(dir, 'out'),
      python,
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof BerthError, String(error));
    assert.equal(error.code, 'BERTH_IMPORT_MISSING_PACKAGE');
    assert.match(
      error.message,
      /^onnxmltools is not installed in \S*python\S*, and converting a LightGBM model needs it; install it there with:\n {2}\S*python\S* -m pip install onnxmltools==1\.13\.0 onnx==1\.17\.0\nthen run berth import again$/,
    );
  });
});
