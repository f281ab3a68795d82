import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors } from '../core/errors.js';
import { hasProgram, runProgram } from '../core/programs.js';
import {
  buildArguments,
  inspectArguments,
  podmanGlobalArgs,
  pushArguments,
  runProbeArguments,
  type BuildArgs,
  type Engine,
  type EngineName,
  type HostLimits,
} from './engine-args.js';
import { isLoopbackRegistry, registryHost } from '../core/image-ref.js';

/**
 * Finds and drives the container engine, always through src/core/programs.ts with argument arrays.
 * podman comes first: it needs no daemon, and a `docker` on PATH is often a client with no engine
 * behind it (or podman's own docker shim). docker counts only when `docker info` answers.
 */
export async function detectEngine(probeTimeoutMs: number, only?: EngineName): Promise<Engine> {
  const tried: string[] = [];
  for (const name of only ? [only] : (['podman', 'docker'] as const)) {
    if (name === 'podman') {
      if (await hasProgram('podman')) {
        return {
          name,
          globalArgs: podmanGlobalArgs({ runc: await hasProgram('runc'), systemd: existsSync('/run/systemd/system') }),
        };
      }
      tried.push('podman is not installed');
    } else {
      const info = await runProgram('docker', ['info', '--format', '{{.ServerVersion}}'], {
        timeoutMs: probeTimeoutMs,
      }).catch(() => undefined);
      if (info?.code === 0) return { name, globalArgs: [] };
      tried.push(
        info
          ? `docker's engine does not answer (${firstLine(info.stderr) || `docker info exited ${info.code}`})`
          : 'docker is not installed',
      );
    }
  }
  throw errors.noContainerEngine(tried.join('; '));
}

export async function imageExists(engine: Engine, image: string): Promise<boolean> {
  const result = await runProgram(engine.name, inspectArguments(engine, image), { timeoutMs: 60_000 }).catch(
    () => undefined,
  );
  return result?.code === 0;
}

export interface BuiltImage {
  id: string;
  sizeBytes: number;
  seconds: number;
}

/** Runs the build, streaming the engine's output to `onProgress`, then reads the image's id and size. */
export async function runImageBuild(
  engine: Engine,
  options: BuildArgs & { timeoutMs: number; tailLines: number; onProgress?: (text: string) => void },
): Promise<BuiltImage> {
  const started = performance.now();
  const result = await runProgram(engine.name, buildArguments(engine, options), {
    timeoutMs: options.timeoutMs,
    onOutput: (chunk) => options.onProgress?.(chunk),
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.code !== 0) {
    throw errors.imageBuildFailed(engine.name, result.code, outputTail(result, options.tailLines));
  }
  const inspected = await runProgram(engine.name, inspectArguments(engine, options.tag), { timeoutMs: 60_000 });
  const [id = '', size = '0'] = inspected.stdout.trim().split(/\s+/);
  return { id: id.replace(/^sha256:/, ''), sizeBytes: Number(size), seconds };
}

export interface PushedImage {
  /** `registry/repository:tag@sha256:…`: the tag for people, the digest for the cluster. */
  reference: string;
  digest: string;
  seconds: number;
}

/** Pushes `image` and reads back the digest of the manifest the registry now holds under its tag. */
export async function pushImage(
  engine: Engine,
  image: string,
  options: { timeoutMs: number; tailLines: number; onProgress?: (text: string) => void },
): Promise<PushedImage> {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'berth-push-'));
  try {
    const digestFile = join(dir, 'digest');
    const host = registryHost(image);
    const args = pushArguments(engine, image, {
      digestFile,
      plainHttp: host !== undefined && isLoopbackRegistry(host),
    });
    const result = await runProgram(engine.name, args, {
      timeoutMs: options.timeoutMs,
      onOutput: (chunk) => options.onProgress?.(chunk),
    });
    if (result.code !== 0)
      throw errors.imagePushFailed(engine.name, image, result.code, outputTail(result, options.tailLines));
    const written = engine.name === 'podman' ? await readFile(digestFile, 'utf8').catch(() => '') : '';
    const digest = /sha256:[0-9a-f]{64}/.exec(written || `${result.stdout}\n${result.stderr}`)?.[0];
    if (!digest) throw errors.imagePushFailed(engine.name, image, result.code, 'the push reported no digest');
    return { reference: `${image}@${digest}`, digest, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The last lines of what the engine printed, for an error message. */
function outputTail(result: { stdout: string; stderr: string }, lines: number): string {
  return `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-lines).join('\n');
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

/** This process's hard limits on open files and processes (Linux); empty elsewhere. */
export async function hostLimits(): Promise<HostLimits> {
  const text = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const hard = (label: string) => {
    const value = new RegExp(`^${label}\\s+\\S+\\s+(\\S+)`, 'm').exec(text)?.[1];
    return value === undefined || value === 'unlimited' ? undefined : Number(value);
  };
  return { openFiles: hard('Max open files'), processes: hard('Max processes') };
}

/**
 * The first `--ulimit` set with which the engine starts a container of `tag` (node runs and
 * exits), or undefined when none does. Tried for real: what a host allows is not knowable from
 * inside it (a sandbox can enforce lower limits on the runtime than this process sees).
 */
export async function workingUlimits(
  engine: Engine,
  tag: string,
  candidates: string[][],
  nodePath: string,
): Promise<string[] | undefined> {
  for (const ulimits of candidates) {
    const result = await runProgram(engine.name, runProbeArguments(engine, tag, ulimits, nodePath), {
      timeoutMs: 60_000,
    }).catch(() => undefined);
    if (result?.code === 0) return ulimits;
  }
  return undefined;
}
