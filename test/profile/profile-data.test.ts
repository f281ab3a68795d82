import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileData } from '../../src/profile/profile-data.js';
import { formatProfile } from '../../src/profile/profile-text.js';
import { describeOnnxModel } from '../../src/runtime/describe-onnx.js';
import { registerModel } from '../../src/registry/index.js';
import { get, post, startTestServer } from '../helpers/server.js';
import { modelFolder } from '../observe/monitoring/model-folder.js';

describe('berth profile', () => {
  it("profiles the model's features and its predictions, and writes a profile the server reads", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-profile-'));
    try {
      const out = join(dir, 'profile.json');
      const result = await profileData({ data: 'examples/iris/reference.csv', model: 'examples/iris', out });
      assert.deepEqual(
        result.profile.features.map((feature) => feature.name),
        ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
        "the model's features, not the species column",
      );
      assert.equal(result.profile.prediction?.kind, 'categorical');
      assert.deepEqual(
        result.profile.prediction?.kind === 'categorical' &&
          result.profile.prediction.categories.map((category) => category.value).sort(),
        ['setosa', 'versicolor', 'virginica'],
      );
      assert.match(formatProfile(result), /prediction \(model\)\s+categorical\s+3 values/);
      assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), JSON.parse(JSON.stringify(result.profile)));

      const served = await modelFolder('examples/iris', `monitoring:\n  reference: ${out}\n`);
      const server = await startTestServer(served);
      try {
        await post(server, '/predict', { features: [5.1, 3.5, 1.4, 0.2] });
        const { status, body } = await get(server, '/v2/models/iris/drift');
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.reference.source, out);
        assert.equal(body.sample_size, 1);
      } finally {
        await server.shutdown('test done');
        await rm(served, { recursive: true, force: true });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('resolves a registry reference, and profiles every column without a model', async () => {
    const repository = await mkdtemp(join(tmpdir(), 'berth-repo-'));
    try {
      await registerModel({ repository, source: 'examples/iris', name: 'iris', describe: describeOnnxModel });
      const result = await profileData({ data: 'examples/iris/reference.csv', model: 'iris@1', repository });
      assert.deepEqual(result.model, { name: 'iris', version: '1', path: join(repository, 'iris', '1', 'model.onnx') });
      assert.equal(result.profile.features.length, 4);
      assert.ok(result.profile.prediction);
      const plain = await profileData({ data: 'examples/iris/reference.csv' });
      assert.deepEqual(
        plain.profile.features.map((feature) => feature.kind),
        ['numeric', 'numeric', 'numeric', 'numeric', 'categorical'],
      );
      assert.equal(plain.profile.prediction, null);
    } finally {
      await rm(repository, { recursive: true, force: true });
    }
  });
});
