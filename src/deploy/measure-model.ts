import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Settings } from '../core/config.js';
import { errors } from '../core/errors.js';
import { freePort } from '../core/free-port.js';
import { startProgram, type StartedProgram } from '../core/programs.js';
import { bodyBytesBudget } from '../core/memory-limit.js';

/**
 * Measures what a model costs to run, with the server itself in a fresh process, so the numbers
 * are those of a pod and not of this CLI: seconds from process start until the model is loaded
 * and /ready answers 200, and the server's peak RSS (Linux VmHWM) under load: clients sending
 * the largest requests the pod's settings allow, as many at once as its body budget admits and
 * one more. The seed's advice for the OOMKilled gotcha is "profile peak
 * memory with a realistic batch before you pick the numbers"; this profiles the worst one the
 * server accepts, so the limit written from it holds whatever callers send.
 *
 * The largest request is a v2 JSON body of the model's inputs, as many rows as `maxRows` and the
 * body limit allow; a second body fills the whole body limit, which the server parses before
 * answering 413 (its parse is the costliest thing a caller can ask for).
 */
export interface Measurement {
  loadSeconds: number;
  peakRssBytes: number;
  /** What the load was: rows per request, requests sent, clients at once, and the answers. */
  load: { rows: number; bodyBytes: number; requests: number; concurrency: number; statuses: Record<string, number> };
}

export interface MeasureOptions {
  /** The server settings the pod runs with (berth.yaml beside the model, defaults). */
  settings: Settings;
  /** Requests each client sends. */
  rounds?: number;
  timeoutMs?: number;
  /** Node arguments that run the berth CLI; by default this package's, with this process's loader. */
  cli?: string[];
}

// Relative to this module, two folders below the package root in src/, dist/ and dist/bundle/ alike.
const cliPath = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

export async function measureModel(path: string, options: MeasureOptions): Promise<Measurement> {
  const { settings, rounds = 3, timeoutMs = 300_000, cli = [...loaderArgs(process.execArgv), cliPath] } = options;
  const port = await freePort();
  const started = performance.now();
  const server = startProgram(
    process.execPath,
    [
      ...cli,
      'serve',
      path,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--grpc-port',
      '0',
      '--log-level',
      'warn',
      '--log-requests',
      'false',
      '--drain-delay-seconds',
      '0',
    ],
    {},
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(url, server, path, timeoutMs);
    const loadSeconds = (performance.now() - started) / 1000;
    const bodies = await largestBodies(url, settings);
    const budget = bodyBytesBudget(settings.server, settings.limits.maxBodyBytes, undefined, 0);
    // Clients alternate the two bodies: as many at once as the budget admits on average, and one more.
    const concurrency = Math.min(16, Math.ceil(budget / ((bodies.accepted.length + bodies.full.length) / 2)) + 1);
    const statuses: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: concurrency }, async (_, client) => {
        for (let round = 0; round < rounds; round++) {
          const body = (client + round) % 2 === 0 ? bodies.accepted : bodies.full;
          const response = await fetch(`${url}/v2/models/${bodies.model}/infer`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
          });
          await response.arrayBuffer();
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        }
      }),
    );
    if (!statuses[200])
      throw errors.measureFailed(path, `the server answered no load request with 200 (${JSON.stringify(statuses)})`);
    const peakRssBytes = peakRss(server.pid!);
    return {
      loadSeconds,
      peakRssBytes,
      load: {
        rows: bodies.rows,
        bodyBytes: bodies.accepted.length,
        requests: concurrency * rounds,
        concurrency,
        statuses,
      },
    };
  } finally {
    await server.kill('SIGINT', 10_000);
  }
}

async function waitUntilReady(url: string, server: StartedProgram, path: string, timeoutMs: number): Promise<void> {
  const exited = server.wait().then((result) => result);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${url}/ready`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    const result = await Promise.race([
      exited,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100)),
    ]);
    if (result)
      throw errors.measureFailed(path, lastLine(result.stderr || result.stdout) || `exit code ${result.code}`);
    if (Date.now() > until) throw errors.measureFailed(path, `not ready within ${timeoutMs} ms`);
  }
}

interface Bodies {
  model: string;
  rows: number;
  /** The largest request within every limit. */
  accepted: string;
  /** A body as large as the body limit allows (refused after parsing when it holds too many rows). */
  full: string;
}

/** v2 requests of zeros for the model's inputs: the most rows the limits allow, and a body filling the body limit. */
async function largestBodies(url: string, settings: Settings): Promise<Bodies> {
  const { models } = (await (await fetch(`${url}/v1/models`)).json()) as { models: string[] };
  const model = models[0]!;
  const metadata = (await (await fetch(`${url}/v2/models/${encodeURIComponent(model)}`)).json()) as {
    inputs: Array<{ name: string; datatype: string; shape: number[] }>;
  };
  const body = (rows: number) =>
    JSON.stringify({
      inputs: metadata.inputs.map((input) => {
        const shape = input.shape.map((dim, axis) => (dim >= 0 ? dim : axis === 0 ? rows : 1));
        const count = shape.reduce((a, b) => a * b, 1);
        const zero = input.datatype === 'BYTES' ? '' : input.datatype === 'BOOL' ? false : 0;
        return { name: input.name, datatype: input.datatype, shape, data: new Array(count).fill(zero) };
      }),
    });
  const { maxRows, maxBodyBytes, maxValues } = settings.limits;
  const perRow = Math.max(1, body(2).length - body(1).length);
  const valuesPerRow = Math.max(
    1,
    metadata.inputs.reduce((sum, input) => sum + input.shape.slice(1).reduce((a, b) => a * Math.max(b, 1), 1), 0),
  );
  const variable = metadata.inputs.some((input) => input.shape[0] === -1);
  let rows = variable
    ? Math.max(
        1,
        Math.min(maxRows, Math.floor(maxValues / valuesPerRow), Math.floor((maxBodyBytes - body(0).length) / perRow)),
      )
    : 1;
  let accepted = body(rows);
  while (accepted.length > maxBodyBytes && rows > 1) accepted = body((rows = Math.floor(rows * 0.95)));
  let fullRows = variable ? Math.max(rows, Math.floor((maxBodyBytes - body(0).length) / perRow)) : rows;
  let full = body(fullRows);
  while (full.length > maxBodyBytes && fullRows > rows)
    full = body((fullRows = Math.max(rows, fullRows - Math.ceil((full.length - maxBodyBytes) / perRow) - 1)));
  return { model, rows, accepted, full };
}

function peakRss(pid: number): number {
  try {
    const kib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    if (kib > 0) return kib * 1024;
  } catch {
    // not Linux
  }
  throw errors.measureFailed(`process ${pid}`, 'peak memory is read from /proc (Linux)');
}

/** Keeps `--import tsx` and similar, so the child resolves Berth's modules as this process does. */
function loaderArgs(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < execArgv.length; index++) {
    const arg = execArgv[index]!;
    if (/^--(import|require|loader|experimental-loader)=/.test(arg)) out.push(arg);
    else if (/^--(import|require|loader|experimental-loader)$/.test(arg) && index + 1 < execArgv.length)
      out.push(arg, execArgv[++index]!);
  }
  return out;
}

function lastLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('at '));
  return lines.at(-1)?.trim() ?? '';
}
