import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runProgram } from '../src/core/programs.js';
import { venvDir } from '../test/helpers/python-venv.js';

/**
 * Triton's perf_analyzer, the binary the tritonclient wheel ships (scripts/python/requirements/
 * tritonclient.txt), run against a server and read back. It links libcudart.so.12 even on a
 * machine with no GPU; the venv's nvidia-cuda-runtime-cu12 wheel provides it.
 */
export const tritonclientRequirements = 'scripts/python/requirements/tritonclient.txt';

export interface PerfAnalyzer {
  binary: string;
  env: NodeJS.ProcessEnv;
}

export interface PerfAnalyzerResult {
  /** Client-side infer/sec over the stable windows. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests the server reported as successful during the measurement (its statistics extension). */
  serverSuccesses: number;
  output: string;
}

/** perf_analyzer from the tritonclient venv, or why it cannot run here. */
export async function findPerfAnalyzer(): Promise<PerfAnalyzer | string> {
  const venv = await venvDir(tritonclientRequirements);
  if (venv === undefined)
    return `the tritonclient venv is missing (bash scripts/python/venv.sh ${tritonclientRequirements})`;
  const sitePackages = join(
    venv,
    'lib',
    (await readdir(join(venv, 'lib'))).find((name) => name.startsWith('python'))!,
    'site-packages',
  );
  const env = {
    ...process.env,
    LD_LIBRARY_PATH: [join(sitePackages, 'nvidia', 'cuda_runtime', 'lib'), process.env.LD_LIBRARY_PATH]
      .filter(Boolean)
      .join(':'),
  };
  const binary = join(venv, 'bin', 'perf_analyzer');
  const probe = await runProgram(binary, ['--version'], { env, timeoutMs: 30_000 });
  if (probe.code !== 0)
    return `perf_analyzer cannot start: ${(probe.stderr || probe.stdout).trim().slice(0, 300)} (its libb64.so.0d is the Debian package libb64-0d)`;
  return { binary, env };
}

export interface PerfAnalyzerRun {
  model: string;
  /** host:port of the HTTP or gRPC listener. */
  url: string;
  protocol: 'http' | 'grpc';
  /** HTTP only: how tensors travel (perf_analyzer's default is binary). */
  tensors?: 'binary' | 'json';
  concurrency: number;
  /** Measurement window; every run takes at least three. */
  windowMs: number;
  /**
   * Windows of at least this many requests instead of `windowMs` (perf_analyzer's count_windows
   * mode): a window then holds the same work on a machine of any speed.
   */
  windowRequests?: number;
  /** Rows per request (the model's max_batch_size must allow it). */
  batchSize?: number;
  /** How far (%) three consecutive windows' throughput and mean latency may differ to count as stable; default 50. */
  stability?: number;
}

/** One concurrency level, measured until three windows agree (at most 8 windows). */
export async function runPerfAnalyzer(tool: PerfAnalyzer, run: PerfAnalyzerRun): Promise<PerfAnalyzerResult> {
  const args = [
    '-m',
    run.model,
    '-u',
    run.url,
    '-i',
    run.protocol,
    '--concurrency-range',
    String(run.concurrency),
    '-p',
    String(run.windowMs),
    '-r',
    '8',
    '-s',
    String(run.stability ?? 50),
  ];
  if (run.windowRequests !== undefined)
    args.push('--measurement-mode', 'count_windows', '--measurement-request-count', String(run.windowRequests));
  if (run.batchSize !== undefined) args.push('-b', String(run.batchSize));
  if (run.tensors) args.push('--input-tensor-format', run.tensors, '--output-tensor-format', run.tensors);
  const result = await runProgram(tool.binary, args, { env: tool.env, timeoutMs: run.windowMs * 16 + 30_000 });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0)
    throw new Error(`perf_analyzer ${args.join(' ')} exited ${result.code}:\n${output.slice(-2000)}`);
  return { ...parsePerfAnalyzer(output), output };
}

/** The figures of perf_analyzer's text report; throws when one is missing. */
export function parsePerfAnalyzer(output: string): Omit<PerfAnalyzerResult, 'output'> {
  const number = (pattern: RegExp, what: string) => {
    const match = pattern.exec(output);
    if (!match) throw new Error(`perf_analyzer reported no ${what}:\n${output.slice(-2000)}`);
    return Number(match[1]);
  };
  return {
    throughput: number(/Throughput: ([\d.]+) infer\/sec/, 'throughput'),
    p50Ms: number(/p50 latency: (\d+) usec/, 'p50 latency') / 1000,
    p99Ms: number(/p99 latency: (\d+) usec/, 'p99 latency') / 1000,
    serverSuccesses: number(/Successful request count: (\d+)/, 'server-side request count'),
  };
}
