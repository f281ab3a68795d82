import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeFactory } from '../../src/runtime/runtime.js';
import { startServer, type RunningServer } from '../../src/serve/start-server.js';

export const fixturesDir = 'test/fixtures/models';

export interface FixtureCase {
  framework: string;
  description: string;
  tolerance: { abs: number; rel: number };
  inputs: Record<string, { datatype: string; shape: number[]; data: unknown[] }>;
  expected: Record<string, { datatype: string; shape: number[]; data: unknown[] }>;
}

export function fixtureNames(): string[] {
  return readdirSync(fixturesDir).filter((name) => existsSync(join(fixturesDir, name, 'cases.json')));
}

export function loadCase(name: string): FixtureCase {
  return JSON.parse(readFileSync(join(fixturesDir, name, 'cases.json'), 'utf8')) as FixtureCase;
}

/** A test server's listeners: HTTP on an ephemeral loopback port, no gRPC, and no drain delay on shutdown. */
export const loopbackFlags = {
  'server.port': 0,
  'server.host': '127.0.0.1',
  'server.grpcPort': 0,
  'server.drainDelaySeconds': 0,
};

/**
 * Flags for a server whose load clients share its event loop: on a starved machine the loop lags
 * and the server would rightly shed them with 429, so shedding on lag and standing queues is off
 * where a test is about something else (its own tests cover it).
 */
export const noShedding = { 'server.maxEventLoopLagMs': 0, 'server.maxSojournMs': 0 };

/** A real server on an ephemeral port with the model loaded; logs silenced. `runtimes` replaces onnxruntime (the fake). */
export async function startTestServer(
  target: string,
  flags: Record<string, unknown> = {},
  extra: { name?: string; config?: string; runtimes?: RuntimeFactory } = {},
): Promise<RunningServer> {
  const server = await startServer({
    target,
    ...extra,
    flags: {
      ...loopbackFlags,
      'log.level': 'silent',
      ...flags,
    },
  });
  try {
    await server.loaded;
  } catch (error) {
    await server.shutdown('model failed to load');
    throw error;
  }
  return server;
}

/** POST JSON through fastify's inject. */
export async function post(server: RunningServer, url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await server.app.inject({
    method: 'POST',
    url,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.statusCode, headers: response.headers, body: safeJson(response.body), raw: response.body };
}

export async function get(server: RunningServer, url: string, headers: Record<string, string> = {}) {
  const response = await server.app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, headers: response.headers, body: safeJson(response.body), raw: response.body };
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** |a-b| ≤ abs + rel·|b| elementwise; returns the first offending index or -1. */
export function closeEnough(actual: unknown[], expected: unknown[], tolerance: { abs: number; rel: number }): number {
  if (actual.length !== expected.length) return 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (typeof b === 'number' && typeof a === 'number') {
      if (Math.abs(a - b) > tolerance.abs + tolerance.rel * Math.abs(b)) return i;
    } else if (String(a) !== String(b)) return i;
  }
  return -1;
}
