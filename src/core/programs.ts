import { execFile, spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/**
 * The only module that runs external programs (podman/docker, kubectl in tests, python for
 * fixtures). Always an argument array, never a shell string, so nothing from a user's input can
 * become a command.
 */
export interface ProgramResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Called with each chunk of output as it arrives (progress display). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /** Bytes of output kept in the result (the rest is only streamed). */
  maxBuffer?: number;
  /** Written to the program's standard input, which is then closed (data never travels in argv). */
  input?: string;
}

/** Runs a program to completion; resolves with its exit code (never rejects for a non-zero exit). */
export function runProgram(program: string, args: readonly string[], options: RunOptions = {}): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    };
    const child = spawn(program, args as string[], spawnOptions);
    // A program that exits without reading its input closes the pipe: EPIPE is its answer, not ours.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
    const keep = options.maxBuffer ?? 8 * 1024 * 1024;
    let stdout = '';
    let stderr = '';
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < keep) stdout += chunk;
      options.onOutput?.(chunk, 'stdout');
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < keep) stderr += chunk;
      options.onOutput?.(chunk, 'stderr');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Is a program on PATH? (`execFile` of `<program> --version`.) */
export function hasProgram(program: string, args: readonly string[] = ['--version']): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(program, args as string[], { timeout: 15_000 }, (error) => resolve(!error));
  });
}

/** A long-running program (a server under test): its exit, its recent output, and a way to stop it. */
export interface StartedProgram {
  readonly pid: number | undefined;
  /** Resolves when the program exits; never rejects (a spawn failure resolves with code 127). */
  wait(): Promise<ProgramResult>;
  /** Sends `signal` (SIGTERM by default); after `graceMs` without an exit, SIGKILL. */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<ProgramResult>;
  /** The last output (stdout and stderr interleaved), for error messages. */
  output(): string;
}

/**
 * Starts a program and returns at once (argument array, never a shell string). With `logFile`,
 * its output goes straight to that file instead of through this process (benchmarks: the
 * server's logging costs what it costs in production, and reading it costs us nothing).
 */
export function startProgram(
  program: string,
  args: readonly string[],
  options: Omit<RunOptions, 'timeoutMs'> & { logFile?: string } = {},
): StartedProgram {
  const fd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  const child = spawn(program, args as string[], {
    cwd: options.cwd,
    env: options.env,
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
  });
  if (fd !== undefined) closeSync(fd);
  const keep = options.maxBuffer ?? 64 * 1024;
  let tail = '';
  let stdout = '';
  let stderr = '';
  const collect = (stream: 'stdout' | 'stderr') => (chunk: string) => {
    tail = (tail + chunk).slice(-keep);
    if (stream === 'stdout') stdout = (stdout + chunk).slice(-keep);
    else stderr = (stderr + chunk).slice(-keep);
    options.onOutput?.(chunk, stream);
  };
  child.stdout?.setEncoding('utf8').on('data', collect('stdout'));
  child.stderr?.setEncoding('utf8').on('data', collect('stderr'));
  const exited = new Promise<ProgramResult>((resolve) => {
    child.on('error', (error) => {
      tail += `\n${error.message}`;
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` });
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
  return {
    pid: child.pid,
    wait: () => exited,
    kill: async (signal = 'SIGTERM', graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
    output: () => (options.logFile === undefined ? tail : readFileSync(options.logFile, 'utf8').slice(-keep)),
  };
}
