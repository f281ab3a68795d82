import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { call, grpcOver, inferenceClient } from '../../grpc/client.js';
import { cannotRun } from '../../helpers/system-program.js';
import { freePort, serveArgs, spawnBerth, waitForReady } from '../../helpers/process.js';
import { loopbackFlags } from '../../helpers/server.js';
import { startServer } from '../../../src/serve/start-server.js';
import { jaegerBinary, startJaeger, type Jaeger, type StoredSpan } from './jaeger-backend.js';

/**
 * Berth's spans in a real trace backend: Jaeger v2 (scripts/tracing/jaeger.sh builds it; CI
 * does), receiving OTLP/HTTP and queried through its API, as a user would look a request up.
 */
const rows = [
  [5.1, 3.5, 1.4, 0.2],
  [6.7, 3.0, 5.2, 2.3],
];
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** A caller's W3C traceparent, sampled. */
const caller = () => ({ traceId: hex(16), spanId: hex(8) });
const traceparent = ({ traceId, spanId }: { traceId: string; spanId: string }) => `00-${traceId}-${spanId}-01`;

let jaeger: Jaeger | undefined;
let missing = '';

before(async () => {
  const binary = await jaegerBinary();
  if (binary) jaeger = await startJaeger(binary);
  else missing = 'Jaeger is not built (bash scripts/tracing/jaeger.sh build; .ci/run builds it)';
});
after(() => jaeger?.stop());

function backend(t: TestContext): Jaeger | undefined {
  if (!jaeger) cannotRun(t, missing);
  return jaeger;
}

describe('tracing into Jaeger', () => {
  it("follows callers' traceparent over HTTP and gRPC through decode, queue, one batched model call and encode", async (t) => {
    const jaeger = backend(t);
    if (!jaeger) return;
    const service = `berth-test-${hex(4)}`;
    const lines: string[] = [];
    // The batcher waits up to 3 s for neighbours: the three concurrent requests (two rows each,
    // six in all, a full batch) go as one model call.
    const server = await startServer({
      target: 'examples/iris',
      logDestination: { write: (line: string) => void lines.push(line) },
      flags: {
        ...loopbackFlags,
        'log.level': 'info',
        'tracing.enabled': true,
        'tracing.endpoint': jaeger.otlpUrl,
        'tracing.serviceName': service,
        'batching.maxBatchSize': 6,
        'batching.maxQueueDelayMicros': 3_000_000,
      },
    });
    await server.loaded;
    const grpc = await grpcOver(server);
    const client = inferenceClient(grpc.port);
    const http = caller();
    const rpc = caller();
    const { name: input } = server.dataplane.modelMetadata('iris').metadata.inputs[0]!;
    const predict = (headers: Record<string, string>) =>
      fetch(`${server.url}/predict`, {
        method: 'POST',
        body: JSON.stringify({ instances: rows }),
        headers: { 'content-type': 'application/json', ...headers },
      });
    const [traced, untraced, grpcReply] = await Promise.all([
      predict({ traceparent: traceparent(http), tracestate: 'caller=7' }),
      predict({}),
      call(
        client,
        'ModelInfer',
        {
          model_name: 'iris',
          inputs: [{ name: input, datatype: 'FP32', shape: [2, 4], contents: { fp32_contents: rows.flat() } }],
        },
        { metadata: { traceparent: traceparent(rpc) } },
      ),
    ]);
    assert.equal(traced.status, 200, await traced.text());
    assert.equal(untraced.status, 200);
    assert.ok(grpcReply.outputs.length > 0);
    client.close();
    await grpc.close();
    await server.shutdown('test done'); // exports the spans still waiting

    // The access log names each request's trace.
    const requestId = traced.headers.get('x-request-id');
    const logged = lines.map((line) => JSON.parse(line)).find((line) => line.requestId === requestId);
    assert.equal(logged?.traceId, http.traceId, 'the access-log line of the request carries its trace id');

    // HTTP: the caller's span → Berth's server span → its steps.
    const httpSpans = await jaeger.trace(http.traceId, 5);
    const server1 = only(httpSpans, 'POST /predict');
    assert.equal(hexId(server1.parentSpanId), http.spanId, "the server span continues the caller's span");
    assert.match(String(server1.kind), /^(2|SPAN_KIND_SERVER)$/);
    assert.equal(server1.traceState, 'caller=7', 'tracestate is carried on');
    assert.equal(server1.attributes['http.route'], '/predict');
    assert.equal(Number(server1.attributes['http.response.status_code']), 200);
    assert.equal(server1.attributes['berth.request_id'], requestId);
    assert.equal(server1.attributes['berth.model'], 'iris');
    assert.equal(server1.resource['service.name'], service);
    const httpCall = assertSteps(httpSpans, server1);

    // gRPC: the same tree under the RPC's server span.
    const grpcSpans = await jaeger.trace(rpc.traceId, 5);
    const server2 = only(grpcSpans, 'inference.GRPCInferenceService/ModelInfer');
    assert.equal(hexId(server2.parentSpanId), rpc.spanId);
    assert.equal(server2.attributes['rpc.system'], 'grpc');
    assert.equal(Number(server2.attributes['rpc.grpc.status_code']), 0);
    const grpcCall = assertSteps(grpcSpans, server2);

    // One batch carried all three requests: its span (a trace of its own) links to each request, and each request's model call links to it.
    assert.equal(httpCall.links.length, 1);
    const batchLink = { traceId: hexId(httpCall.links[0]!.traceId), spanId: hexId(httpCall.links[0]!.spanId) };
    assert.deepEqual(
      grpcCall.links.map((link) => hexId(link.spanId)),
      [batchLink.spanId],
      'the gRPC request rode in the same batch',
    );
    const batch = only(await jaeger.trace(batchLink.traceId, 1), 'batch');
    assert.equal(hexId(batch.spanId), batchLink.spanId);
    assert.equal(batch.parentSpanId ? hexId(batch.parentSpanId) : '', '');
    assert.equal(Number(batch.attributes['berth.batch.requests']), 3);
    assert.equal(Number(batch.attributes['berth.batch.rows']), 6);
    const linked = batch.links.map((link) => `${hexId(link.traceId)}/${hexId(link.spanId)}`);
    assert.equal(linked.length, 3, 'the batch links to every request it carried');
    assert.ok(linked.includes(`${http.traceId}/${hexId(server1.spanId)}`));
    assert.ok(linked.includes(`${rpc.traceId}/${hexId(server2.spanId)}`));
    t.diagnostic(`trace tree:\n${treeText([...httpSpans, batch])}`);
  });

  it('exports from every worker with --workers', async (t) => {
    const jaeger = backend(t);
    if (!jaeger) return;
    const service = `berth-workers-${hex(4)}`;
    const port = await freePort();
    const berth = spawnBerth([
      ...serveArgs('examples/iris', port),
      '--drain-delay-seconds',
      '0',
      '--workers',
      '2',
      '--tracing',
      'true',
      '--otlp-endpoint',
      jaeger.otlpUrl,
      '--trace-service-name',
      service,
    ]);
    try {
      await waitForReady(`http://127.0.0.1:${port}/ready`, 60_000);
      // Separate connections, so the kernel spreads them over both workers.
      await Promise.all(
        Array.from({ length: 100 }, () =>
          fetch(`http://127.0.0.1:${port}/predict`, {
            method: 'POST',
            body: JSON.stringify({ instances: rows }),
            headers: { 'content-type': 'application/json', connection: 'close' },
          }).then((response) => assert.equal(response.status, 200)),
        ),
      );
    } finally {
      berth.child.kill('SIGTERM');
    }
    assert.equal((await berth.exit).code, 0, berth.output());
    const servedBy = new Set(
      berth
        .output()
        .split('\n')
        .filter((line) => line.includes('"route":"/predict"'))
        .map((line) => JSON.parse(line).pid as number),
    );
    assert.equal(servedBy.size, 2, 'both workers served requests');
    // Each worker flushes its own batch on shutdown; the collector stores them one after the other.
    const exportersOf = (spans: StoredSpan[]) => new Set(spans.map((span) => Number(span.resource['process.pid'])));
    const spans = await jaeger.traces(service, (spans) => exportersOf(spans).size >= servedBy.size);
    const exporters = exportersOf(spans);
    assert.deepEqual([...exporters].sort(), [...servedBy].sort(), 'each worker exported its own spans');
    assert.equal(
      new Set(spans.map((span) => span.resource['service.instance.id'])).size,
      2,
      'each worker is an instance of its own',
    );
  });
});

function only(spans: StoredSpan[], name: string): StoredSpan {
  const found = spans.filter((span) => span.name === name);
  assert.equal(found.length, 1, `one ${name} span among ${spans.map((span) => span.name).join(', ')}`);
  return found[0]!;
}

/** decode, queue, model call and encode are children of the server span; returns the model call. */
function assertSteps(spans: StoredSpan[], server: StoredSpan): StoredSpan {
  const children = spans.filter((span) => span.parentSpanId && hexId(span.parentSpanId) === hexId(server.spanId));
  assert.deepEqual(children.map((span) => span.name).sort(), ['decode', 'encode', 'model call', 'queue']);
  const modelCall = only(children, 'model call');
  assert.equal(Number(modelCall.attributes['berth.batch.requests']), 3);
  assert.equal(Number(modelCall.attributes['berth.batch.rows']), 6);
  assert.ok(
    ['main', 'onnxruntime'].includes(String(modelCall.attributes['berth.model.thread'])),
    'the model call says where it ran',
  );
  assert.equal(Number(only(children, 'decode').attributes['berth.rows']), 2);
  return modelCall;
}

/** OTLP JSON ids are hex; some encoders give base64. */
function hexId(id: string | undefined): string {
  if (!id) return '';
  return /^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16)
    ? id.toLowerCase()
    : Buffer.from(id, 'base64').toString('hex');
}

/** The spans as an indented tree with each span's duration and attributes (the test's diagnostic). */
function treeText(spans: StoredSpan[]): string {
  const byParent = new Map<string, StoredSpan[]>();
  const ids = new Set(spans.map((span) => hexId(span.spanId)));
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(hexId(span.parentSpanId)) ? hexId(span.parentSpanId) : '';
    byParent.set(parent, [...(byParent.get(parent) ?? []), span]);
  }
  const out: string[] = [];
  const walk = (parent: string, depth: number) => {
    for (const span of byParent.get(parent) ?? []) {
      const raw = span as unknown as { startTimeUnixNano: string; endTimeUnixNano: string };
      const ms = (Number(BigInt(raw.endTimeUnixNano) - BigInt(raw.startTimeUnixNano)) / 1e6).toFixed(3);
      const attributes = Object.entries(span.attributes)
        .filter(([key]) => !key.startsWith('@jaeger@'))
        .map(([key, value]) => `${key}=${value}`)
        .join(' ');
      const links = span.links.length > 0 ? ` links→${span.links.map((link) => hexId(link.spanId)).join(',')}` : '';
      out.push(
        `${'  '.repeat(depth)}${span.name} [${hexId(span.traceId).slice(0, 8)}/${hexId(span.spanId)}${span.parentSpanId ? ` parent ${hexId(span.parentSpanId)}` : ''}] ${ms} ms ${attributes}${links}`,
      );
      walk(hexId(span.spanId), depth + 1);
    }
  };
  walk('', 0);
  return out.join('\n');
}
