import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata, status as grpcStatus, type Client, type ServiceError } from '@grpc/grpc-js';
import { measureModel } from '../../src/deploy/measure-model.js';
import { prepareManifests } from '../../src/deploy/prepare.js';
import { parseQuantity } from '../../src/core/quantity.js';
import { freePort, serveArgs, spawnBerth, waitForReady, type BerthProcess } from '../helpers/process.js';
import { berthCli } from '../helpers/berth-cli.js';
import { call, inferenceClient } from '../grpc/client.js';

/**
 * The hostile corpus (test/fixtures/hostile/) against a real `berth serve examples/iris` with an
 * API key and gRPC on: every case gets its status and message in the one error shape with an
 * X-Request-Id, the same checks answer over gRPC, the process keeps serving, no unknown name
 * becomes a metric label, and its peak memory stays under the limit `berth manifests` writes.
 */
interface HttpCase {
  title: string;
  method?: string;
  path: unknown;
  headers?: Record<string, string>;
  body?: unknown;
  text?: unknown;
  auth?: boolean;
  status: number;
  error?: string;
  allow?: string;
  requestIdNot?: string;
}
interface GrpcCase {
  title: string;
  request: unknown;
  auth?: boolean;
  code: keyof typeof grpcStatus;
  error: string;
}

const corpus = (file: string) => JSON.parse(readFileSync(join('test/fixtures/hostile', file), 'utf8'));
const key = 'hostile-corpus-key';

/** Expands the corpus templates ($repeat, $string, $nest, $key, $float32; see the corpus README). */
function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if ('$repeat' in object) {
    const [item, count] = object.$repeat as [unknown, number];
    return Array.from({ length: count }, () => expand(item));
  }
  if ('$string' in object) {
    const [text, count] = object.$string as [string, number];
    return text.repeat(count);
  }
  if ('$nest' in object) {
    const [item, depth] = object.$nest as [unknown, number];
    let out: unknown = item;
    for (let i = 0; i < depth; i++) out = [out];
    return out;
  }
  if ('$float32' in object) return Buffer.from(new Float32Array((object.$float32 as unknown[]).map(Number)).buffer);
  const out: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(object)) {
    if (name === '$key') out[expand(item) as string] = 1;
    else out[name] = expand(item);
  }
  return out;
}

function send(
  port: number,
  testCase: HttpCase,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const text =
    testCase.text !== undefined
      ? (expand(testCase.text) as string)
      : testCase.body !== undefined
        ? JSON.stringify(expand(testCase.body))
        : undefined;
  const headers: Record<string, string> = {
    ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(testCase.auth === false ? {} : { authorization: `Bearer ${key}` }),
    ...testCase.headers,
  };
  if (text !== undefined && headers['content-length'] === undefined)
    headers['content-length'] = String(Buffer.byteLength(text));
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: testCase.method ?? 'POST',
        path: expand(testCase.path) as string,
        headers,
        timeout: 60_000,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text: body }));
      },
    );
    request.on('error', reject);
    // A server may answer a declared body past its limit before reading it, then close; a client
    // that is still writing megabytes gets EPIPE instead of reading that answer. Large bodies go
    // only once no early answer came within a second, as a client honouring such answers would.
    if (text === undefined || text.length < 2 ** 20) return void request.end(text);
    request.flushHeaders();
    const early = setTimeout(() => request.end(text), 1_000);
    request.once('response', (response) => {
      clearTimeout(early);
      response.once('end', () => request.destroy());
    });
  });
}

function peakRssBytes(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

describe('hostile corpus', () => {
  let server: BerthProcess;
  let port: number;
  let grpcPort: number;
  let limitBytes: number;
  let client: Client;
  let dir: string;

  before(async () => {
    // The limit `berth manifests` writes for this model: measured under load with its settings.
    const prepared = await prepareManifests({
      ref: 'examples/iris',
      flags: {},
      overrides: {},
      measure: (path, settings) => measureModel(path, { settings, rounds: 2, cli: berthCli }),
    });
    const container = (prepared.files.find((entry) => entry.object.kind === 'Deployment')!.object as any).spec.template
      .spec.containers[0];
    limitBytes = parseQuantity(container.resources.limits.memory)!;
    dir = mkdtempSync(join(tmpdir(), 'berth-hostile-'));
    writeFileSync(join(dir, 'key'), `${key}\n`);
    [port, grpcPort] = [await freePort(), await freePort()];
    server = spawnBerth([
      ...serveArgs('examples/iris', port, grpcPort),
      '--api-key-file',
      join(dir, 'key'),
      // Sized as in the pod: its body and gRPC budgets come from the limit.
      '--memory-limit-bytes',
      String(limitBytes),
      '--log-requests',
      'false',
      '--drain-delay-seconds',
      '0',
    ]);
    await waitForReady(`http://127.0.0.1:${port}/ready`);
    client = inferenceClient(grpcPort, { 'grpc.max_send_message_length': 64 * 2 ** 20 });
  });

  after(async () => {
    client?.close();
    server?.child.kill('SIGTERM');
    await server?.exit;
    rmSync(dir, { recursive: true, force: true });
  });

  for (const testCase of corpus('http.json') as HttpCase[]) {
    it(`HTTP: ${testCase.title} → ${testCase.status}`, async () => {
      const reply = await send(port, testCase);
      assert.equal(reply.status, testCase.status, reply.text.slice(0, 300));
      assert.match(String(reply.headers['x-request-id']), /^[\w.:@/+=-]{1,128}$/);
      assert.equal(reply.headers['x-content-type-options'], 'nosniff');
      if (testCase.requestIdNot) assert.notEqual(reply.headers['x-request-id'], testCase.requestIdNot);
      if (testCase.allow) assert.equal(reply.headers.allow, testCase.allow);
      if (testCase.status >= 400) {
        const body = JSON.parse(reply.text) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body), ['error'], 'one error shape');
        assert.ok((body.error as string).includes(testCase.error ?? ''), `${body.error} should say ${testCase.error}`);
        assert.ok(reply.text.length < 2000, `the error is short (${reply.text.length} characters)`);
        assert.doesNotMatch(reply.text, /at .*\.(ts|js):\d+/, 'no stack trace');
      }
    });
  }

  for (const testCase of corpus('grpc.json') as GrpcCase[]) {
    it(`gRPC: ${testCase.title} → ${testCase.code}`, async () => {
      const metadata: Record<string, string> = testCase.auth === false ? {} : { authorization: `Bearer ${key}` };
      await assert.rejects(
        call(client, 'ModelInfer', expand(testCase.request) as object, { metadata }),
        (error: ServiceError) => {
          assert.equal(grpcStatus[error.code], testCase.code, error.details);
          assert.ok(
            error.details.includes(testCase.error),
            `${error.details.slice(0, 300)} should say ${testCase.error}`,
          );
          assert.ok(error.details.length < 2000, 'the message is short');
          assert.ok(error.metadata instanceof Metadata);
          return true;
        },
      );
    });
  }

  it('gRPC: eight callers at once with 60 MiB messages are read in turn or refused unread, all RESOURCE_EXHAUSTED', async () => {
    const rows = (60 * 2 ** 20) / 16;
    const request = {
      model_name: 'iris',
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: [rows, 4] }],
      raw_input_contents: [Buffer.alloc(rows * 16)],
    };
    const callers = Array.from({ length: 8 }, () =>
      inferenceClient(grpcPort, { 'grpc.max_send_message_length': 64 * 2 ** 20 }),
    );
    const outcomes = await Promise.allSettled(
      callers.map((caller) => call(caller, 'ModelInfer', request, { metadata: { authorization: `Bearer ${key}` } })),
    );
    for (const caller of callers) caller.close();
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      const error = (outcome as PromiseRejectedResult).reason as ServiceError;
      assert.equal(error.code, grpcStatus.RESOURCE_EXHAUSTED, error.details);
      // Over the values limit once read, or over the largest message the pod's memory holds, unread.
      assert.match(error.details, /more than the limit of 10000000 values|larger than max/);
    }
  });

  it('keeps serving, records no metric per unknown name or refused caller, and stays under the memory limit berth manifests writes', async () => {
    const predict = await send(port, {
      title: 'predict',
      path: '/predict',
      body: { features: [5.1, 3.5, 1.4, 0.2] },
      status: 200,
    });
    assert.equal(predict.status, 200);
    const metrics = (await send(port, { title: 'metrics', method: 'GET', path: '/metrics', status: 200 })).text;
    const models = new Set([...metrics.matchAll(/model="([^"]*)"/g)].map((match) => match[1]));
    assert.deepEqual(
      [...models].sort(),
      ['', '_unknown', 'iris'].filter((name) => models.has(name)).sort(),
      `label values: ${[...models].join(', ')}`,
    );
    assert.ok(models.has('_unknown'), 'unknown names are counted under one label');
    const peak = peakRssBytes(server.child.pid!);
    assert.ok(
      peak < limitBytes,
      `peak RSS ${Math.round(peak / 2 ** 20)} MiB under the ${Math.round(limitBytes / 2 ** 20)} MiB limit`,
    );
  });
});
