import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasProgram, runProgram } from '../../src/core/programs.js';
import type { BuildResult } from '../../src/package/build.js';
import { podmanGlobalArgs } from '../../src/package/engine-args.js';
import { freePort, waitForReady } from '../helpers/process.js';
import { cannotRun, requireProgram } from '../helpers/system-program.js';
import { makeBaseImages } from './support/base-images.js';
import { freshBerthRoot, repoRoot } from './support/berth-root.js';

/**
 * The real thing: podman builds the iris image from local base images (no registry is reachable
 * here, so scripts/base-image/build.sh makes them from Debian's packages; cached, fast when they
 * exist), runs it like Kubernetes would (read-only root, no capabilities), and the test checks
 * /ready, /predict, the UID of the running process, the drain on SIGTERM and the image size.
 */
const maxImageBytes = 250 * 1000 * 1000;
const log = (line: string) => console.log(`# ${line}`);

test(
  'berth build --containerize: the iris image builds, serves, runs as non-root and drains on SIGTERM',
  { timeout: 25 * 60_000 },
  async (t) => {
    if (!(await requireProgram(t, 'podman', 'podman'))) return;
    if (process.getuid?.() !== 0)
      return cannotRun(t, 'needs root: rootful podman, and scripts/base-image/build.sh runs debootstrap');
    const podman = podmanGlobalArgs({ runc: await hasProgram('runc'), systemd: existsSync('/run/systemd/system') });
    const run = (args: string[], timeoutMs = 120_000) => runProgram('podman', [...podman, ...args], { timeoutMs });

    const baseStarted = performance.now();
    const images = await makeBaseImages();
    log(
      `base images (${((performance.now() - baseStarted) / 1000).toFixed(1)} s): ${images.BASE_IMAGE}, ${images.BUILDER_IMAGE}`,
    );

    const berthRoot = await freshBerthRoot(log);
    const out = await mkdtemp(join(tmpdir(), 'berth-build-'));
    const tag = `localhost/berth-test-iris:${process.pid}-${Date.now()}`;
    const container = `berth-test-iris-${process.pid}-${Date.now()}`;
    t.after(async () => {
      await run(['rm', '--force', '--time', '0', container]).catch(() => undefined);
      await run(['rmi', '--force', tag]).catch(() => undefined);
      await rm(out, { recursive: true, force: true });
      if (berthRoot !== repoRoot) await rm(berthRoot, { recursive: true, force: true });
    });

    const started = performance.now();
    // No --base-image: the default is the base the script just made (or found), no registry needed.
    const build = await runProgram(
      process.execPath,
      [
        join(berthRoot, 'dist/cli/bin.js'),
        'build',
        'examples/iris',
        '--containerize',
        '--tag',
        tag,
        '--out',
        out,
        '--json',
      ],
      { cwd: repoRoot, timeoutMs: 20 * 60_000 },
    );
    const seconds = (performance.now() - started) / 1000;
    assert.equal(build.code, 0, `berth build failed:\n${build.stderr.slice(-4000)}\n${build.stdout}`);
    const result = JSON.parse(build.stdout) as BuildResult;
    assert.ok(result.image, 'an image was built');
    assert.equal(result.baseImage, images.BASE_IMAGE, 'the local base image is the default');
    assert.ok(
      result.runCommand.startsWith(`podman ${podman.join(' ')} run --rm `) &&
        result.runCommand.endsWith(` --publish 127.0.0.1:8000:8000 --publish 127.0.0.1:8001:8001 ${tag}`),
      result.runCommand,
    );
    assert.deepEqual(result.pushCommands, [
      `podman ${podman.join(' ')} tag ${tag} <registry>/${tag.replace('localhost/', '')}`,
      `podman ${podman.join(' ')} push <registry>/${tag.replace('localhost/', '')}`,
    ]);
    assert.equal(result.image.engine, 'podman');
    // The check step either ran now, or podman reused its layer: a RUN step that failed is never
    // cached, so a cache hit on it means this exact content already passed the check.
    const checkRan = /berth build check: model sha256 matches; \d+ dependencies import; the model loads/.test(
      build.stderr,
    );
    const checkCached =
      /STEP \d+\/\d+: RUN \["\/usr\/local\/bin\/node", "\/app\/berth-check\.mjs"\]\n--> Using cache /.test(
        build.stderr,
      );
    assert.ok(
      checkRan || checkCached,
      `the build stage ran its check (or reused the passing one):\n${build.stderr.slice(-3000)}`,
    );
    log(
      `image ${tag}: ${(result.image.sizeBytes / 1e6).toFixed(1)} MB; berth build ${seconds.toFixed(1)} s (podman build ${result.image.seconds} s, dependencies ${result.dependencies.cached ? 'cached' : `npm ci ${result.dependencies.seconds} s`})`,
    );
    console.log(`image size: ${(result.image.sizeBytes / 1e6).toFixed(1)} MB; build time: ${seconds.toFixed(1)} s`);

    await t.test('the image is at most 250 MB and labelled with the model it serves', async () => {
      const size = await run(['image', 'inspect', '--format', '{{.Size}}', tag]);
      assert.equal(Number(size.stdout.trim()), result.image!.sizeBytes);
      assert.ok(result.image!.sizeBytes <= maxImageBytes, `${result.image!.sizeBytes} bytes > ${maxImageBytes}`);
      const inspected = await run(['image', 'inspect', '--format', '{{json .Labels}}', tag]);
      const labels = JSON.parse(inspected.stdout) as Record<string, string>;
      assert.equal(labels['dev.berth.model.sha256'], result.model.sha256);
      assert.equal(labels['dev.berth.model.name'], 'iris');
      assert.equal(labels['org.opencontainers.image.base.name'], images.BASE_IMAGE);
      const config = await run(['image', 'inspect', '--format', '{{json .Config}}', tag]);
      const { User, Cmd } = JSON.parse(config.stdout) as { User: string; Cmd: string[] };
      assert.equal(User, '10001:10001');
      assert.deepEqual(Cmd, ['/usr/local/bin/node', '/app/dist/cli/bin.js', 'serve', '/app/model']);
    });

    const port = await freePort();
    // As Kubernetes runs it (deploy's securityContext): read-only root, no capabilities, no privilege
    // escalation; with the --ulimit flags `berth build` found this host needs and printed.
    const ulimits = [...result.runCommand.matchAll(/--ulimit (\S+)/g)].flatMap(([, value]) => ['--ulimit', value!]);
    const launched = await run([
      'run',
      '--detach',
      '--name',
      container,
      '--read-only',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      ...ulimits,
      '--publish',
      `127.0.0.1:${port}:8000`,
      tag,
    ]);
    assert.equal(launched.code, 0, launched.stderr);
    const logs = async () => {
      const result = await run(['logs', container]);
      return result.stdout + result.stderr;
    };

    await t.test('/ready turns 200 and /predict answers setosa', async () => {
      await waitForReady(`http://127.0.0.1:${port}/ready`, 90_000).catch(async (error: Error) =>
        assert.fail(`${error.message}\n${await logs()}`),
      );
      const response = await fetch(`http://127.0.0.1:${port}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }),
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { label: string };
      assert.equal(body.label, 'setosa');
    });

    await t.test('the server process runs as UID 10001, not root', async () => {
      // The host's view of the container's PID 1 (rootful podman shares the host's /proc): its real,
      // effective, saved and file-system UIDs, whatever the image's config claims.
      const pid = (await run(['inspect', '--format', '{{.State.Pid}}', container])).stdout.trim();
      assert.match(pid, /^[1-9][0-9]*$/);
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const uids = status
        .match(/^Uid:\s+(.*)$/m)![1]!
        .trim()
        .split(/\s+/)
        .map(Number);
      assert.deepEqual(uids, [10001, 10001, 10001, 10001]);
      const top = await run(['top', container, 'user', 'huser', 'args']);
      log(`podman top: ${top.stdout.trim().split('\n').join(' | ')}`);
    });

    await t.test('podman stop (SIGTERM) drains and exits 0', async () => {
      const stop = await run(['stop', '--time', '10', container]);
      assert.equal(stop.code, 0, stop.stderr);
      const exitCode = (await run(['inspect', '--format', '{{.State.ExitCode}}', container])).stdout.trim();
      assert.equal(exitCode, '0', 'node as PID 1 handled SIGTERM itself (137 would be SIGKILL after the timeout)');
      assert.match(await logs(), /drained; exiting/);
    });
  },
);
