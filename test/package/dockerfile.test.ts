import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaults } from '../../src/core/defaults.js';
import { runProgram } from '../../src/core/programs.js';
import { generateCheckScript } from '../../src/package/check-script.js';
import { generateDockerfile, type DockerfileOptions } from '../../src/package/dockerfile.js';
import { generateDockerignore } from '../../src/package/dockerignore.js';
import { imageLabels } from '../../src/package/image-labels.js';
import { isPinned, parseImageRef, tagProblem } from '../../src/core/image-ref.js';

const sha256 = '09034f3d49013961c8d7dac5f9c8ad09792bc6fbe8f3293eb2b5c0135ec70abc';
const labels = imageLabels({
  model: { name: 'iris', version: '3', sha256 },
  tag: 'iris:3-09034f3d4901',
  berthVersion: '0.1.0',
  created: '2026-01-02T03:04:05.000Z',
  source: 'https://example.com/models.git',
  revision: 'abc123',
});

function dockerfile(overrides: Partial<DockerfileOptions> = {}): string {
  return generateDockerfile({
    appDir: defaults.package.appDir,
    nodePath: defaults.package.nodePath,
    builderImage: 'localhost/berth-builder:node20.20.2-bookworm-0123456789ab',
    baseImage: 'localhost/berth-base:node20.20.2-bookworm-0123456789ab',
    labels,
    ports: [8000, 8001],
    uid: defaults.deploy.uid,
    gid: defaults.deploy.uid,
    comment: ['test'],
    ...overrides,
  });
}

/** Instructions (comments dropped, continuation lines joined), split into stages at each FROM. */
function stages(text: string): string[][] {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const out: string[][] = [[]];
  for (const line of instructions) {
    if (line.startsWith('FROM ')) out.push([]);
    out.at(-1)!.push(line);
  }
  return out;
}

test('two stages: a build stage from BUILDER_IMAGE, the runtime from BASE_IMAGE', () => {
  const [preamble, build, runtime, ...rest] = stages(dockerfile());
  assert.equal(rest.length, 0);
  assert.deepEqual(
    preamble!.map((line) => line.split('=')[0]),
    ['ARG BUILDER_IMAGE', 'ARG BASE_IMAGE'],
  );
  assert.equal(build![0], 'FROM ${BUILDER_IMAGE} AS build');
  assert.equal(runtime![0], 'FROM ${BASE_IMAGE}');
  assert.ok(
    runtime!.filter((line) => line.startsWith('COPY')).every((line) => line.startsWith('COPY --from=build ')),
    'the runtime copies only what the build stage checked',
  );
});

test('the base images are ARGs with pinned defaults, never latest', () => {
  const args = stages(dockerfile())[0]!;
  for (const line of args) {
    const value = line.split('=')[1]!;
    assert.ok(isPinned(value), line);
    assert.notEqual(parseImageRef(value).tag, 'latest');
  }
  assert.throws(() => dockerfile({ baseImage: 'node' }), /--base-image `node`: pin it/);
  assert.throws(() => dockerfile({ baseImage: 'docker.io/library/node:latest' }), /BERTH_BAD_IMAGE_REF|pin it/);
  assert.throws(
    () => dockerfile({ builderImage: 'localhost:5000/node' }),
    /--builder-image/,
    'a registry port is not a tag',
  );
  assert.doesNotThrow(() => dockerfile({ baseImage: `docker.io/library/node@sha256:${sha256}` }));
  assert.doesNotThrow(() => dockerfile({ baseImage: 'docker.io/library/node:20.20.2-bookworm-slim' }));
});

test('the runtime stage runs as a fixed numeric non-root user', () => {
  const runtime = stages(dockerfile()).at(-1)!;
  const users = runtime.filter((line) => line.startsWith('USER '));
  assert.deepEqual(users, [`USER ${defaults.deploy.uid}:${defaults.deploy.uid}`]);
  assert.ok(defaults.deploy.uid > 0, "deploy's runAsUser and the image agree on one UID");
  assert.throws(() => dockerfile({ uid: 0 }), /non-root/);
});

test('CMD is exec form: node as PID 1 gets SIGTERM directly and serves the baked-in model', () => {
  const runtime = stages(dockerfile()).at(-1)!;
  const cmd = runtime.filter((line) => line.startsWith('CMD '));
  assert.equal(cmd.length, 1);
  const argv = JSON.parse(cmd[0]!.slice(4)) as string[];
  assert.deepEqual(argv, ['/usr/local/bin/node', '/app/dist/cli/bin.js', 'serve', '/app/model']);
  assert.ok(!runtime.some((line) => line.startsWith('ENTRYPOINT')), 'no shell entrypoint wraps it');
  assert.ok(runtime.includes('STOPSIGNAL SIGTERM'));
  // The build stage's RUN is exec form too, so a shell-less base can be the builder.
  for (const run of stages(dockerfile())[1]!.filter((line) => line.startsWith('RUN ')))
    assert.ok(Array.isArray(JSON.parse(run.slice(4))), run);
});

test('EXPOSE lists the HTTP and gRPC ports, HOME points at writable /tmp', () => {
  const runtime = stages(dockerfile()).at(-1)!;
  assert.ok(runtime.includes('EXPOSE 8000 8001'));
  assert.ok(
    stages(dockerfile({ ports: [9000] }))
      .at(-1)!
      .includes('EXPOSE 9000'),
    'gRPC off: one port',
  );
  assert.ok(runtime.includes('ENV HOME=/tmp'), 'onnxruntime writes $HOME/.cache');
});

test('labels carry the OCI keys and the model identity, quoted for the Dockerfile', () => {
  const text = dockerfile();
  const label = stages(text)
    .at(-1)!
    .find((line) => line.startsWith('LABEL '))!;
  for (const key of [
    'org.opencontainers.image.title',
    'org.opencontainers.image.version',
    'org.opencontainers.image.created',
    'org.opencontainers.image.source',
    'org.opencontainers.image.revision',
    'dev.berth.model.name',
    'dev.berth.model.version',
    'dev.berth.model.sha256',
    'dev.berth.version',
  ]) {
    assert.ok(label.includes(`${key}="`), key);
  }
  assert.ok(label.includes(`dev.berth.model.sha256="${sha256}"`));
  assert.ok(label.includes('org.opencontainers.image.title="iris"'));
  assert.ok(label.includes('org.opencontainers.image.version="3-09034f3d4901"'));
  assert.ok(label.includes('org.opencontainers.image.base.name="${BASE_IMAGE}"'), 'the base is recorded as built');
  const tricky = dockerfile({ labels: { 'dev.berth.note': 'a "quoted" $HOME \\ path\nnext' } });
  assert.ok(
    tricky.includes('dev.berth.note="a \\"quoted\\" \\$HOME \\\\ path next"'),
    'quotes, $ and backslashes escaped, one line',
  );
});

test('no package manager, compiler or cache in the runtime stage', () => {
  const runtime = stages(dockerfile()).at(-1)!;
  assert.deepEqual([...new Set(runtime.map((line) => line.split(' ')[0]))].sort(), [
    'ARG',
    'CMD',
    'COPY',
    'ENV',
    'EXPOSE',
    'FROM',
    'LABEL',
    'STOPSIGNAL',
    'USER',
    'WORKDIR',
  ]);
  const text = runtime.join('\n');
  for (const banned of [/\bRUN\b/, /npm/, /\.npm\b/, /apt-get/, /\bgcc\b|\bg\+\+\b|\bmake\b|build-essential|python/])
    assert.doesNotMatch(text, banned);
  const copied = runtime.filter((line) => line.startsWith('COPY')).map((line) => line.split(' ')[2]);
  assert.deepEqual(
    copied,
    ['/app/node_modules', '/app/package.json', '/app/proto', '/app/dist', '/app/model'],
    'rarely-changed layers first; the check script is not shipped',
  );
});

test('.dockerignore admits only what the Dockerfile copies', () => {
  const rules = generateDockerignore()
    .split('\n')
    .filter((line) => line && !line.startsWith('#'));
  assert.equal(rules[0], '*', 'everything is excluded first');
  assert.deepEqual(rules.filter((line) => line.startsWith('!')).sort(), ['!app/', '!berth-check.mjs', '!model/']);
  assert.ok(rules.includes('**/*.map') && rules.includes('**/*.d.ts'));
  const allowed = rules.filter((line) => line.startsWith('!')).map((line) => line.slice(1));
  const sources = stages(dockerfile())[1]!
    .filter((line) => line.startsWith('COPY '))
    .flatMap((line) => line.split(' ').slice(1, -1));
  assert.ok(sources.length >= 6);
  for (const source of sources)
    assert.ok(
      allowed.some((rule) => source === rule || source.startsWith(rule) || `${source}/` === rule),
      `${source} is admitted`,
    );
});

test('tags: explicit and immutable, never latest', () => {
  assert.equal(tagProblem('iris:3-09034f3d4901'), undefined);
  assert.equal(tagProblem('registry.example.com:5000/team/iris:3-09034f3d4901'), undefined);
  assert.equal(tagProblem('localhost/berth-iris:1'), undefined);
  assert.match(tagProblem('iris')!, /no tag/);
  assert.match(tagProblem('iris:latest')!, /latest/);
  assert.match(tagProblem('Iris:1')!, /lower case/);
  assert.match(tagProblem(`iris@sha256:${sha256}`)!, /digest/);
  assert.deepEqual(parseImageRef('localhost:5000/a/b:1@sha256:00'), {
    repository: 'localhost:5000/a/b',
    tag: '1',
    digest: 'sha256:00',
  });
});

test('the build-stage check script is valid JavaScript that checks the hash, the dependencies and the model', async () => {
  const script = generateCheckScript({
    appDir: '/app',
    nodePath: '/usr/local/bin/node',
    sha256,
    runtimeModule: '/app/dist/runtime/onnx.js',
    onnx: defaults.onnx,
  });
  assert.ok(script.includes(JSON.stringify(sha256)));
  assert.ok(script.includes('await import("/app/dist/runtime/onnx.js")'), "loads the model with Berth's own runtime");
  assert.ok(script.includes('/app/model/model.onnx'));
  const dir = await mkdtemp(join(tmpdir(), 'berth-check-'));
  await writeFile(join(dir, 'check.mjs'), script);
  const result = await runProgram(process.execPath, ['--check', join(dir, 'check.mjs')]);
  assert.equal(result.code, 0, result.stderr);
});
