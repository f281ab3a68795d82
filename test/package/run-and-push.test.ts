import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildRequest } from '../../src/package/build-request.js';
import { hasProgram, runProgram } from '../../src/core/programs.js';
import { baseImageCommand, findLocalBaseImage, localBaseImageArguments } from '../../src/package/base-images.js';
import { buildImage } from '../../src/package/build.js';
import {
  likelyUlimits,
  podmanGlobalArgs,
  pushLines,
  runArguments,
  ulimitCandidates,
  type Engine,
} from '../../src/package/engine-args.js';
import { hostLimits } from '../../src/package/engine.js';
import { cannotRun, requireProgram } from '../helpers/system-program.js';
import { makeBaseImages } from './support/base-images.js';
import { repoRoot } from './support/berth-root.js';

const podman: Engine = { name: 'podman', globalArgs: ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs'] };
const iris = join(repoRoot, 'examples', 'iris');

test("run flags: none where podman's defaults fit the host, the host's own open-files limit where they do not", () => {
  assert.deepEqual(likelyUlimits({}), [], 'unlimited');
  assert.deepEqual(likelyUlimits({ openFiles: 1_048_576, processes: 4_000_000 }), []);
  assert.deepEqual(likelyUlimits({ openFiles: 20_000, processes: 96_367 }), [
    '--ulimit',
    'nofile=20000:20000',
    '--ulimit',
    'nproc=4096:4096',
  ]);
  assert.deepEqual(likelyUlimits({ openFiles: 256 }), ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096']);
  assert.deepEqual(
    ulimitCandidates({ openFiles: 20_000 }).map((set) => set.join(' ')),
    ['', '--ulimit nofile=20000:20000 --ulimit nproc=4096:4096', '--ulimit nofile=1024:1024 --ulimit nproc=1000:1000'],
  );
  assert.deepEqual(
    ulimitCandidates({}).map((set) => set.join(' ')),
    ['', '--ulimit nofile=1024:1024 --ulimit nproc=1000:1000'],
    'no set twice',
  );
  assert.deepEqual(
    runArguments(podman, { tag: 'iris:0-abc', ports: [8000, 8001], ulimits: ['--ulimit', 'nofile=1024:1024'] }),
    [
      '--runtime',
      'runc',
      '--cgroup-manager',
      'cgroupfs',
      'run',
      '--rm',
      '--ulimit',
      'nofile=1024:1024',
      '--publish',
      '127.0.0.1:8000:8000',
      '--publish',
      '127.0.0.1:8001:8001',
      'iris:0-abc',
    ],
  );
});

test('push lines: straight to a registry the tag names, else tagged for <registry> first', () => {
  const plain: Engine = { name: 'podman', globalArgs: [] };
  assert.deepEqual(pushLines(plain, 'registry.example.com/team/iris:3-abc'), [
    'podman push registry.example.com/team/iris:3-abc',
  ]);
  assert.deepEqual(
    pushLines(plain, 'localhost:5000/iris:3-abc'),
    ['podman push localhost:5000/iris:3-abc'],
    'a registry on a port',
  );
  assert.deepEqual(pushLines(plain, 'iris:0-abc'), [
    'podman tag iris:0-abc <registry>/iris:0-abc',
    'podman push <registry>/iris:0-abc',
  ]);
  assert.deepEqual(
    pushLines(plain, 'localhost/iris:0-abc'),
    ['podman tag localhost/iris:0-abc <registry>/iris:0-abc', 'podman push <registry>/iris:0-abc'],
    "podman's localhost/ is no registry",
  );
  assert.deepEqual(pushLines({ name: 'docker', globalArgs: [] }, 'ghcr.io/me/iris:1-x'), [
    'docker push ghcr.io/me/iris:1-x',
  ]);
});

test("the base-image command names the script in Berth's own folder, with sudo unless already root", () => {
  assert.equal(baseImageCommand('/opt/berth', true), 'bash /opt/berth/scripts/base-image/build.sh');
  assert.equal(baseImageCommand('/opt/my berth', false), "sudo bash '/opt/my berth/scripts/base-image/build.sh'");
  assert.ok(existsSync(join(repoRoot, 'scripts', 'base-image', 'build.sh')), 'the script the message names exists');
  assert.deepEqual(localBaseImageArguments({ name: 'docker', globalArgs: [] }), [
    'images',
    '--filter',
    'label=io.berth.base.role=runtime',
    '--format',
    '{{.Repository}}:{{.Tag}} {{.Labels}}',
  ]);
});

test('with no Berth base image for its node version, --containerize stops before building and says how to make one', async (t) => {
  if (!(await requireProgram(t, 'podman', 'podman'))) return;
  const engine = {
    name: 'podman' as const,
    globalArgs: podmanGlobalArgs({ runc: await hasProgram('runc'), systemd: existsSync('/run/systemd/system') }),
  };
  assert.equal(await findLocalBaseImage(engine, '0.0.0-none'), undefined);
  const request = await buildRequest(iris, { containerize: true, out: join(repoRoot, '.cache', 'never-written') });
  await assert.rejects(buildImage({ ...request, nodeVersion: '0.0.0-none' }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'BERTH_BASE_IMAGE_NOT_BUILT');
    assert.match(error.message, /^podman has no Berth base image for Node 0\.0\.0-none\. Build it once, offline/);
    assert.ok(error.message.includes(`scripts/base-image/build.sh\nthen run \`berth build\` again`), error.message);
    assert.ok(error.message.endsWith('--base-image docker.io/library/node:0.0.0-none-bookworm-slim'), error.message);
    return true;
  });
  assert.ok(!existsSync(join(repoRoot, '.cache', 'never-written')), 'nothing was written');
});

test("this host's hard limits are read as the shell reports them (what the run line is judged from)", async (t) => {
  if (process.platform !== 'linux') return t.skip("/proc/self/limits is Linux's");
  const limits = await hostLimits();
  const shell = await runProgram('bash', ['-c', 'ulimit -Hn; ulimit -Hu']);
  const [files, processes] = shell.stdout
    .trim()
    .split('\n')
    .map((value) => (value === 'unlimited' ? undefined : Number(value)));
  assert.deepEqual(limits, { openFiles: files, processes });
});

test(
  "the local base is the script's image, never a model image that inherited its labels",
  { timeout: 25 * 60_000 },
  async (t) => {
    if (!(await requireProgram(t, 'podman', 'podman'))) return;
    const engine = {
      name: 'podman' as const,
      globalArgs: podmanGlobalArgs({ runc: await hasProgram('runc'), systemd: existsSync('/run/systemd/system') }),
    };
    let found = await findLocalBaseImage(engine, process.versions.node);
    if (found === undefined) {
      // Made here when no other test has made it yet.
      if (process.getuid?.() !== 0)
        return cannotRun(t, `no base image here, and ${baseImageCommand(repoRoot, false)} needs root`);
      await makeBaseImages();
      found = await findLocalBaseImage(engine, process.versions.node);
    }
    assert.ok(found, 'scripts/base-image/build.sh made no base image that findLocalBaseImage finds');
    assert.match(found, /^localhost\/berth-base:node[0-9.]+-bookworm-[0-9a-f]{12}$/);
  },
);
