import { readFileSync } from 'node:fs';
import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import { berthVersion } from '../core/version.js';
import { locateModel } from '../core/locate-model.js';
import { startBerthServer, type BenchServer, type BerthLauncher } from './bench-server.js';
import { findCapacity, type CapacityOptions, type CapacityResult } from './capacity-search.js';
import { runLoadTest, type LoadTestOptions, type LoadTestResult } from './load-test.js';
import { modelFromRoute, sampleBody, type MetadataDocument } from './sample-body.js';

/**
 * `berth bench <url | model>`: resolve the target (start Berth for a model), settle the request
 * (given body, or a sample from the model's metadata), check that one request succeeds, then run
 * a fixed-concurrency or fixed-rate load test, or the capacity search.
 */
export interface BenchOptions {
  target: string;
  path?: string;
  model?: string;
  body?: string;
  bodyFile?: string;
  method?: string;
  headers?: Record<string, string>;
  connections?: number;
  durationSeconds?: number;
  /** Stop each load-test run after this many requests instead of after a duration. */
  requests?: number;
  rate?: number;
  timeoutSeconds?: number;
  findCapacity?: boolean;
  sloP99Ms?: number;
  stepSeconds?: number;
  probeSeconds?: number;
  iterations?: number;
  /** How to run `berth serve` for a model target (the CLI passes its own entry point). */
  launcher?: BerthLauncher;
  onPhase?: CapacityOptions['onPhase'];
  onProgress?: LoadTestOptions['onProgress'];
}

export interface BenchResult {
  kind: 'berth-bench';
  berthVersion: string;
  target: string;
  url: string;
  method: string;
  /** The request body sent (the sample, when none was given). */
  body?: unknown;
  run?: LoadTestResult;
  capacity?: CapacityResult;
}

/** `-H 'name: value'` pairs → a header object. */
export function parseHeaders(values: string[] | undefined): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const headers: Record<string, string> = {};
  for (const item of values) {
    const colon = item.indexOf(':');
    if (colon <= 0) throw errors.badPlanInput('--header', `\`${item}\` must look like \`name: value\``);
    headers[item.slice(0, colon).trim().toLowerCase()] = item.slice(colon + 1).trim();
  }
  return headers;
}

const isUrl = (target: string) => /^https?:\/\//i.test(target);

async function getJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw errors.benchUnreachable(
      url,
      ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message,
    );
  }
  if (!response.ok) throw errors.benchNeedsBody(`GET ${url} answered ${response.status}`);
  return response.json();
}

/** The body to send: given, read from a file, or built from GET /v2/models/{name}. */
async function settleBody(
  options: BenchOptions,
  baseUrl: string,
  path: string,
  facts?: { name: string; features?: string[] },
): Promise<string | undefined> {
  const parseGiven = (text: string, flag: string) => {
    try {
      JSON.parse(text);
    } catch (error) {
      throw errors.badPlanInput(flag, `is not valid JSON: ${(error as Error).message}`);
    }
    return text;
  };
  if (options.body !== undefined) return parseGiven(options.body, '--body');
  if (options.bodyFile !== undefined)
    return parseGiven(readFileSync(options.bodyFile, 'utf8'), `--body-file ${options.bodyFile}`);
  if ((options.method ?? 'POST').toUpperCase() === 'GET') return undefined;
  let name = options.model ?? modelFromRoute(path) ?? facts?.name;
  if (!name) {
    // KServe v1's model list (GET /v1/models), which Berth serves: one model means no ambiguity.
    const list = (await getJson(`${baseUrl}/v1/models`).catch((error: { code?: string }) => {
      if (error.code === errors.benchUnreachable.code) throw error;
      return undefined;
    })) as { models?: unknown } | undefined;
    const models = Array.isArray(list?.models) ? list.models.map(String) : [];
    if (models.length !== 1)
      throw errors.benchNeedsBody(
        models.length > 1
          ? `the server has several models (${models.join(', ')})`
          : 'the server did not say which model it serves',
      );
    name = models[0]!;
  }
  const metadata = (await getJson(`${baseUrl}/v2/models/${encodeURIComponent(name)}`)) as MetadataDocument;
  if (!metadata || !Array.isArray(metadata.inputs))
    throw errors.benchNeedsBody(`GET /v2/models/${name} did not return OIP model metadata`);
  return JSON.stringify(sampleBody(path, metadata, facts?.features));
}

/** One request before the run: a wrong body would otherwise be measured as a fast 400 server. */
async function preflight(
  url: string,
  method: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      body,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw errors.benchUnreachable(
      url,
      ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message,
    );
  }
  const text = await response.text();
  if (response.status < 200 || response.status >= 300)
    throw errors.benchRejected(url, response.status, text.slice(0, 300));
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const b = defaults.plan.bench;
  let server: BenchServer | undefined;
  let facts: { name: string; features?: string[] } | undefined;
  let baseUrl: string;
  let path = options.path;
  if (isUrl(options.target)) {
    const url = new URL(options.target);
    baseUrl = url.origin;
    if (!path && url.pathname !== '/') path = url.pathname + url.search;
  } else {
    if (!options.launcher) throw errors.badUsage(`${options.target} is not an http(s) URL`);
    // The name and feature names `berth serve` will use, for the sample body; a model that cannot
    // be found is reported by the server, with its own output.
    const model = await locateModel(options.target, { hash: false }).catch(() => undefined);
    if (model) facts = { name: model.name, ...(model.model.features ? { features: model.model.features } : {}) };
    server = await startBerthServer(options.target, options.launcher, b.serverReadyTimeoutMs);
    baseUrl = server.baseUrl;
  }
  path ??= b.path;
  try {
    const url = baseUrl + path;
    const body = await settleBody(options, baseUrl, path, facts);
    const method = (options.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
    await preflight(url, method, body, options.headers ?? {});
    const request = {
      url,
      method,
      body,
      headers: options.headers,
      timeoutSeconds: options.timeoutSeconds,
      requests: options.requests,
    };
    const result: BenchResult = {
      kind: 'berth-bench',
      berthVersion,
      target: options.target,
      url,
      method,
      ...(body !== undefined ? { body: JSON.parse(body) } : {}),
    };
    if (options.findCapacity) {
      result.capacity = await findCapacity({
        request,
        sloP99Ms: options.sloP99Ms,
        connections: options.connections,
        stepSeconds: options.stepSeconds,
        probeSeconds: options.probeSeconds,
        iterations: options.iterations,
        onPhase: options.onPhase,
        onProgress: options.onProgress,
      });
    } else {
      options.onPhase?.({
        label: options.rate
          ? `fixed rate ${options.rate} req/s`
          : `fixed concurrency ${options.connections ?? b.connections}`,
        index: 1,
        total: 1,
      });
      result.run = await runLoadTest({
        ...request,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        rate: options.rate,
        onProgress: options.onProgress,
      });
    }
    return result;
  } finally {
    await server?.stop();
  }
}
