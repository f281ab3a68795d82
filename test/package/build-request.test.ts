import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareManifests } from '../../src/deploy/prepare.js';
import { buildRequest } from '../../src/package/build-request.js';
import { registryLookup } from '../../src/registry/catalog.js';
import { registerModel, setAlias } from '../../src/registry/index.js';
import { describeOnnxModel } from '../../src/runtime/describe-onnx.js';

const iris = new URL('../../examples/iris/', import.meta.url).pathname;
const temp = (prefix: string) => mkdtemp(join(tmpdir(), prefix));

test('the default tag is the image berth manifests puts in the Deployment', async () => {
  for (const ref of [iris, join(iris, 'model.onnx')]) {
    const request = await buildRequest(ref, {});
    const prepared = await prepareManifests({ ref, flags: {}, overrides: {} });
    assert.equal(request.tag, prepared.options.image, ref);
    assert.match(request.tag, /^localhost\/iris:1-[0-9a-f]{12}$/, 'an unregistered file is version 1, as when served');
    assert.equal(request.tag, `localhost/iris:1-${request.model.sha256.slice(0, 12)}`);
  }
  assert.equal((await buildRequest(iris, { tag: 'localhost/iris:7-x' })).tag, 'localhost/iris:7-x');
  assert.deepEqual((await buildRequest(iris, {})).ports, [8000, 8001]);
});

test('a registry reference builds the registered version, tagged as berth manifests tags it', async (t) => {
  const repository = await temp('berth-build-repo-');
  t.after(() => rm(repository, { recursive: true, force: true }));
  for (let i = 0; i < 2; i++)
    await registerModel({ repository, source: iris, name: 'iris', describe: describeOnnxModel });
  await setAlias({ repository, name: 'iris', alias: 'production', target: '1' });
  const request = await buildRequest('iris@production', { registry: registryLookup(repository) });
  const prepared = await prepareManifests({
    ref: 'iris@production',
    flags: {},
    overrides: {},
    registry: registryLookup(repository),
  });
  assert.equal(request.tag, prepared.options.image);
  assert.match(request.tag, /^localhost\/iris:1-[0-9a-f]{12}$/);
  assert.equal(request.model.version, '1');
  assert.equal(
    request.model.metadataPath,
    join(repository, 'iris', '1', 'berth-version.json'),
    'the registry metadata goes into the image',
  );
});

test('the engine is podman or docker; anything else is a usage error before the model is read', async () => {
  await assert.rejects(
    buildRequest('/nonexistent/model.onnx', { engine: 'buildah' }),
    (error: { code?: string; message: string }) =>
      error.code === 'BERTH_BAD_USAGE' && /--engine takes podman or docker/.test(error.message),
  );
});
