import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { locateBerthFiles, type BerthFiles } from '../../src/package/berth-files.js';
import { writeBuildContext } from '../../src/package/context.js';
import type { BerthError } from '../../src/core/errors.js';
import { buildImage } from '../../src/package/build.js';
import { buildRequest } from '../../src/package/build-request.js';
import { buildArguments, podmanGlobalArgs, pushArguments, shellLine } from '../../src/package/engine-args.js';
import { inRepository, isLoopbackRegistry, registryHost, storedReference } from '../../src/core/image-ref.js';
import { referencedPaths, writeModelFolder } from '../../src/package/model-files.js';
import { pruneDependencies } from '../../src/package/prune.js';
import { withoutCredentials } from '../../src/package/provenance.js';

const iris = new URL('../../examples/iris/', import.meta.url).pathname;
const temp = (prefix: string) => mkdtemp(join(tmpdir(), prefix));
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

test('podman gets runc and cgroupfs where they are needed; every value is one argument', () => {
  assert.deepEqual(podmanGlobalArgs({ runc: true, systemd: false }), [
    '--runtime',
    'runc',
    '--cgroup-manager',
    'cgroupfs',
  ]);
  assert.deepEqual(podmanGlobalArgs({ runc: false, systemd: true }), []);
  const options = {
    context: '/tmp/ctx dir',
    dockerfile: '/tmp/ctx dir/Dockerfile',
    tag: 'iris:1-abc',
    buildArgs: { BASE_IMAGE: 'localhost/base:1' },
    annotations: { 'dev.berth.model.name': 'my model' },
    pullNever: true,
  };
  const podman = buildArguments({ name: 'podman', globalArgs: ['--runtime', 'runc'] }, options);
  assert.deepEqual(podman.slice(0, 5), ['--runtime', 'runc', 'build', '--pull=never', '--network']);
  assert.ok(podman.includes('dev.berth.model.name=my model'), 'a value with a space stays one argument');
  assert.equal(podman.at(-1), '/tmp/ctx dir');
  assert.ok(
    buildArguments({ name: 'podman', globalArgs: [] }, { ...options, pullNever: false }).includes('--pull=missing'),
  );
  const docker = buildArguments({ name: 'docker', globalArgs: [] }, options);
  assert.ok(!docker.some((arg) => arg.startsWith('--pull') || arg === '--annotation'), 'docker build has neither flag');
  assert.deepEqual(docker.slice(0, 3), ['build', '--network', 'none']);
  assert.equal(shellLine('podman', ['build', 'a b', "it's"]), "podman build 'a b' 'it'\\''s'");
});

test('pruning keeps one onnxruntime platform and drops maps, declarations and .bin shims', async () => {
  const root = await temp('berth-prune-');
  const nm = join(root, 'node_modules');
  for (const platform of ['linux/x64', 'linux/arm64', 'darwin/arm64', 'win32/x64']) {
    await mkdir(join(nm, 'onnxruntime-node/bin/napi-v6', platform), { recursive: true });
    await writeFile(join(nm, 'onnxruntime-node/bin/napi-v6', platform, 'onnxruntime_binding.node'), 'x');
  }
  await mkdir(join(nm, 'fastify/types'), { recursive: true });
  await mkdir(join(nm, '.bin'), { recursive: true });
  for (const file of [
    'fastify/fastify.js',
    'fastify/fastify.js.map',
    'fastify/types/index.d.ts',
    'fastify/x.d.mts',
    '.bin/tool',
  ])
    await writeFile(join(nm, file), 'x');
  const result = await pruneDependencies(nm, 'linux/x64');
  assert.deepEqual(result.removedPlatforms.sort(), [
    'napi-v6/darwin/arm64',
    'napi-v6/linux/arm64',
    'napi-v6/win32/x64',
  ]);
  assert.deepEqual(await readdir(join(nm, 'onnxruntime-node/bin/napi-v6')), ['linux']);
  assert.deepEqual(await readdir(join(nm, 'onnxruntime-node/bin/napi-v6/linux')), ['x64']);
  assert.deepEqual((await readdir(join(nm, 'fastify'))).sort(), ['fastify.js', 'types']);
  assert.equal(await exists(join(nm, '.bin')), false);
  await assert.rejects(pruneDependencies(nm, 'linux/riscv64'), /no binaries for linux\/riscv64/);
});

test('the model folder: the labelled name and version in berth.yaml, and the files it names', async () => {
  const source = join(await temp('berth-model-'), 'folder');
  await mkdir(source);
  await writeFile(join(source, 'model.onnx'), 'onnx bytes');
  await writeFile(join(source, 'reference.csv'), 'a,b\n1,2\n');
  await mkdir(join(source, 'data'));
  await writeFile(join(source, 'data', 'labels.txt'), 'x');
  await writeFile(
    join(source, 'berth.yaml'),
    '# my comment\nmodel:\n  labels: [a, b]\nmonitoring:\n  reference: reference.csv\nextra: data/labels.txt\nother: ../outside.csv\n',
  );
  await writeFile(join(source, '..', 'outside.csv'), 'x');
  const dest = join(await temp('berth-model-out-'), 'model');
  const written = await writeModelFolder(
    {
      ref: source,
      path: join(source, 'model.onnx'),
      name: 'flowers',
      version: '4',
      sha256: 'ab',
      configPath: join(source, 'berth.yaml'),
    },
    dest,
  );
  assert.deepEqual(written.files.sort(), ['berth.yaml', 'data/labels.txt', 'model.onnx', 'reference.csv']);
  const text = await readFile(join(dest, 'berth.yaml'), 'utf8');
  assert.ok(text.includes('# my comment'), 'comments survive');
  assert.deepEqual(parse(text).model, { labels: ['a', 'b'], name: 'flowers', version: 4 });
  assert.match(written.warnings.join('\n'), /outside/);
  assert.deepEqual(referencedPaths({ a: ['x.csv', 'https://h/x', '/abs/y'], b: { c: 'z' } }), ['x.csv', 'z']);

  const bare = join(await temp('berth-model-out-'), 'model');
  const noConfig = await writeModelFolder(
    { ref: 'm.onnx', path: join(source, 'model.onnx'), name: 'm', version: '0', sha256: 'ab' },
    bare,
  );
  assert.deepEqual(parse(await readFile(join(bare, 'berth.yaml'), 'utf8')), { model: { name: 'm', version: 0 } });
  assert.deepEqual(noConfig.warnings, []);
});

test('the context writer replaces its own earlier output and refuses any other folder', async () => {
  const root = await temp('berth-context-');
  const berthRoot = join(root, 'berth');
  for (const dir of ['dist/cli', 'proto', 'deps/node_modules/pkg'])
    await mkdir(join(berthRoot, dir), { recursive: true });
  for (const file of [
    'dist/cli/bin.js',
    'dist/cli/bin.js.map',
    'proto/a.proto',
    'package.json',
    'deps/package-lock.json',
    'deps/node_modules/pkg/index.js',
  ])
    await writeFile(join(berthRoot, file), '{}');
  await writeFile(join(root, 'model.onnx'), 'onnx', { mode: 0o600 });
  const berth: BerthFiles = {
    root: berthRoot,
    version: '0.0.0',
    dist: join(berthRoot, 'dist'),
    proto: join(berthRoot, 'proto'),
    runtimeModule: 'dist/runtime/onnx.js',
    warnings: [],
  };
  const content = (dir: string) => ({
    dir,
    dockerfile: 'FROM x\n',
    dockerignore: '*\n',
    checkScript: '',
    buildInfo: { ok: true },
    berth,
    dependencies: join(berthRoot, 'deps'),
    model: { ref: 'm', path: join(root, 'model.onnx'), name: 'm', version: '0', sha256: 'ab' },
  });

  const out = join(root, 'out');
  const written = await writeBuildContext(content(out));
  assert.deepEqual((await readdir(out)).sort(), [
    '.dockerignore',
    'Dockerfile',
    'app',
    'berth-build.json',
    'berth-check.mjs',
    'model',
  ]);
  assert.deepEqual((await readdir(join(out, 'app'))).sort(), [
    'dist',
    'node_modules',
    'package-lock.json',
    'package.json',
    'proto',
  ]);
  assert.equal(await exists(join(out, 'app/dist/cli/bin.js.map')), false, 'no source maps');
  assert.equal(
    (await stat(join(out, 'model/model.onnx'))).mode & 0o444,
    0o444,
    "a model saved with umask 077 is readable by the image's non-root user",
  );
  assert.ok(written.bytes > 0);
  await writeFile(join(out, 'stray.txt'), 'left from before');
  await writeBuildContext(content(out));
  assert.equal(await exists(join(out, 'stray.txt')), false, 'an earlier context is replaced whole');

  const foreign = join(root, 'foreign');
  await mkdir(foreign);
  await writeFile(join(foreign, 'keep.txt'), 'precious');
  await assert.rejects(writeBuildContext(content(foreign)), /BERTH_BUILD_CONTEXT_NOT_EMPTY|not a build context/);
  assert.equal(await readFile(join(foreign, 'keep.txt'), 'utf8'), 'precious');
});

test('a git remote with credentials never reaches a label', () => {
  assert.equal(
    withoutCredentials('https://user:token@git.example.com/org/models.git'),
    'https://git.example.com/org/models.git',
  );
  assert.equal(withoutCredentials('git@github.com:org/models.git'), 'git@github.com:org/models.git');
});

test('a missing dist/ is an error that says to run npm run build; a stale one a warning', async () => {
  const root = await temp('berth-root-');
  await writeFile(join(root, 'package.json'), '{"version":"1.2.3"}');
  await assert.rejects(
    locateBerthFiles(root, 'dist/runtime/onnx.js'),
    (error: Error & { code?: string }) => error.code === 'BERTH_DIST_MISSING' && /npm run build/.test(error.message),
  );
  for (const dir of ['dist/cli', 'dist/runtime', 'src']) await mkdir(join(root, dir), { recursive: true });
  await writeFile(join(root, 'dist/cli/bin.js'), '');
  await writeFile(join(root, 'dist/runtime/onnx.js'), '');
  assert.deepEqual((await locateBerthFiles(root, 'dist/runtime/onnx.js')).warnings, [], 'no sources newer than dist/');
  await new Promise((resolve) => setTimeout(resolve, 20));
  await writeFile(join(root, 'src/changed.ts'), '');
  const files = await locateBerthFiles(root, 'dist/runtime/onnx.js');
  assert.equal(files.version, '1.2.3');
  assert.match(files.warnings.join(), /older than .*src.*npm run build/);
});

test('push: the image goes to the repository under its own tag; plain HTTP only for loopback registries', async () => {
  assert.equal(inRepository('127.0.0.1:5000/berth/iris', 'localhost/iris:0-abc'), '127.0.0.1:5000/berth/iris:0-abc');
  const image = '127.0.0.1:5000/berth/iris:0-abc';
  assert.deepEqual(
    pushArguments({ name: 'podman', globalArgs: ['--runtime', 'runc'] }, image, {
      digestFile: '/tmp/d',
      plainHttp: true,
    }),
    ['--runtime', 'runc', 'push', '--digestfile', '/tmp/d', '--tls-verify=false', image],
  );
  assert.deepEqual(
    pushArguments({ name: 'podman', globalArgs: [] }, image, { digestFile: '/tmp/d', plainHttp: false }),
    ['push', '--digestfile', '/tmp/d', image],
  );
  assert.deepEqual(
    pushArguments({ name: 'docker', globalArgs: [] }, image, { digestFile: '/tmp/d', plainHttp: true }),
    ['push', image],
    'docker decides about TLS in its daemon',
  );
  for (const host of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000'])
    assert.equal(isLoopbackRegistry(host), true, host);
  for (const host of ['registry.example.com', '10.0.0.1:5000', 'localhost.example.com'])
    assert.equal(isLoopbackRegistry(host), false, host);
  assert.deepEqual(
    ['iris:1', 'team/iris:1', 'localhost/iris:1', 'r.example.com/iris:1', 'r:5000/iris:1'].map(registryHost),
    [undefined, undefined, 'localhost', 'r.example.com', 'r:5000'],
  );
  assert.equal(storedReference('podman', 'iris:1'), 'localhost/iris:1', 'podman files a short name under localhost/');
  assert.equal(storedReference('podman', 'r.example.com/iris:1'), 'r.example.com/iris:1');
  assert.equal(storedReference('docker', 'iris:1'), 'iris:1');
  const request = { ...(await buildRequest(iris, {})), push: '127.0.0.1:5000/berth/iris:1' };
  await assert.rejects(
    buildImage(request),
    (error: BerthError) => error.code === 'BERTH_BAD_IMAGE_REF' && /--push.*without a tag/.test(error.message),
  );
});
