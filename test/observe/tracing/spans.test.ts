import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopbackFlags } from '../../helpers/server.js';
import { startServer, type RunningServer } from '../../../src/serve/start-server.js';
import { otlpCapture, type SentSpan } from './otlp-capture.js';

/**
 * What Berth exports, read at an OTLP/HTTP endpoint of the test's own: sampling (parent-based,
 * with a ratio for new traces), W3C Trace Context edge cases, failed steps, shadow comparisons.
 */
const body = JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] });
const sampled = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const unsampled = '00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';

let capture: Awaited<ReturnType<typeof otlpCapture>>;
before(async () => (capture = await otlpCapture()));
after(() => capture.close());

async function serve(flags: Record<string, unknown>, config?: string) {
  const lines: Array<Record<string, unknown>> = [];
  const server = await startServer({
    target: 'examples/iris',
    config,
    logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    flags: {
      ...loopbackFlags,
      'tracing.enabled': true,
      'tracing.endpoint': capture.url,
      ...flags,
    },
  });
  await server.loaded;
  return { server, lines };
}

const predict = (server: RunningServer, headers: Record<string, string>, payload = body) =>
  server.app.inject({
    method: 'POST',
    url: '/predict',
    payload,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** The spans of one trace, once the server has shut down (which exports what waits). */
const ofTrace = (traceId: string): SentSpan[] => capture.spans.filter((span) => span.traceId === traceId);

describe('spans', () => {
  it("follow the caller's sampling decision, and the ratio for new traces", async () => {
    const { server, lines } = await serve({ 'tracing.sampleRatio': 0 });
    const answers = [
      await predict(server, { traceparent: sampled }),
      await predict(server, { traceparent: unsampled }),
      await predict(server, {}),
    ];
    assert.deepEqual(
      answers.map((answer) => answer.statusCode),
      [200, 200, 200],
    );
    await server.shutdown('test done');
    assert.deepEqual(
      ofTrace(sampled.slice(3, 35))
        .map((span) => span.name)
        .sort(),
      ['POST /predict', 'decode', 'encode', 'model call', 'queue'],
      'a sampled caller is traced though the ratio is 0',
    );
    assert.equal(ofTrace(unsampled.slice(3, 35)).length, 0, 'an unsampled caller is not');
    const logged = lines.filter((line) => line.route === '/predict').map((line) => line.traceId);
    assert.equal(logged[1], unsampled.slice(3, 35), 'the access log names the trace even when it is not sampled');
    assert.match(String(logged[2]), /^[0-9a-f]{32}$/);
    assert.equal(ofTrace(String(logged[2])).length, 0, 'ratio 0: a new trace is not sampled');
  });

  it('starts a new trace for a malformed traceparent, and drops an oversized tracestate', async () => {
    const { server, lines } = await serve({});
    const malformed = [
      '00-zz-00f067aa0ba902b7-01',
      `${sampled}, ${sampled}`,
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      'x'.repeat(10_000),
    ];
    for (const traceparent of malformed) assert.equal((await predict(server, { traceparent })).statusCode, 200);
    const continued = sampled.replace('4bf9', '6bf9');
    assert.equal(
      (await predict(server, { traceparent: continued, tracestate: `a=${'b'.repeat(600)}` })).statusCode,
      200,
    );
    const longPath = `/${'m'.repeat(5000)}`;
    const unknown = await server.app.inject({
      method: 'POST',
      url: longPath,
      payload: body,
      headers: { 'content-type': 'application/json', traceparent: sampled.replace('4bf9', '9bf9') },
    });
    assert.equal(unknown.statusCode, 404);
    await server.shutdown('test done');
    const cut = ofTrace(sampled.replace('4bf9', '9bf9').slice(3, 35))[0];
    assert.equal(
      String(cut?.attributes['url.path']).length,
      1024,
      'a long attribute is cut, so queued spans stay small',
    );
    const traces = lines.filter((line) => line.route === '/predict').map((line) => String(line.traceId));
    for (const traceId of traces.slice(0, 4)) {
      assert.match(traceId, /^[0-9a-f]{32}$/);
      const root = ofTrace(traceId).find((span) => span.name === 'POST /predict');
      assert.ok(root && !root.parentSpanId, `a malformed traceparent starts a new trace (${traceId})`);
    }
    const kept = ofTrace(continued.slice(3, 35)).find((span) => span.name === 'POST /predict');
    assert.ok(kept, "the caller's trace is continued");
    assert.ok(!kept.traceState, 'a tracestate over 512 characters is not carried on');
  });

  it('marks the step that failed, and names the answer', async () => {
    const { server } = await serve({});
    const traceparent = sampled.replace('4bf9', '7bf9');
    const answer = await predict(server, { traceparent }, JSON.stringify({ instances: [[1, 2, 3]] }));
    assert.equal(answer.statusCode, 400);
    await server.shutdown('test done');
    const spans = ofTrace(traceparent.slice(3, 35));
    const decode = spans.find((span) => span.name === 'decode');
    assert.equal(decode?.status.code, 2, 'the decode span has error status');
    assert.match(String(decode?.attributes['error.type']), /^BERTH_/);
    const root = spans.find((span) => span.name === 'POST /predict');
    assert.equal(root?.attributes['http.response.status_code'], 400);
    assert.notEqual(root?.status.code, 2, "a client's mistake is not the server's error");
    assert.ok(!spans.some((span) => span.name === 'model call'), 'nothing reached the model');
  });

  it('times the shadow comparison as a step of the request it copied', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'berth-tracing-'));
    const config = join(folder, 'berth.yaml');
    writeFileSync(config, 'model:\n  name: iris\ntraffic:\n  iris:\n    shadow: { version: 2 }\n');
    try {
      const { server } = await serve({}, config);
      await server.manager.loadFile(
        'examples/iris/model.onnx',
        { ...server.dataplane.models.model('iris').config, version: '2' },
        false,
      );
      const compared = new Promise<void>((resolve) => server.dataplane.observeShadows(() => resolve()));
      const traceparent = sampled.replace('4bf9', '8bf9');
      assert.equal((await predict(server, { traceparent })).statusCode, 200);
      await compared;
      await server.shutdown('test done');
      const shadow = ofTrace(traceparent.slice(3, 35)).find((span) => span.name === 'shadow comparison');
      assert.equal(shadow?.attributes['berth.shadow.version'], '2');
      assert.equal(shadow?.attributes['berth.shadow.agreed'], true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
