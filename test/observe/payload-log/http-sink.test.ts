import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { binaryEvent, structuredEvent } from '../../../src/observe/payload-log/cloudevents.js';
import { PayloadLogger } from '../../../src/observe/payload-log/payload-logger.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

async function listen(
  handler: (request: IncomingMessage, received: Received[]) => boolean,
): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      if (handler(request, received)) response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, received };
}

const entry = {
  requestId: 'abc',
  model: 'iris',
  version: '2',
  timestamp: '2025-01-01T00:00:00.000Z',
  request: { instances: [[1, 2]] },
  response: { predictions: [0] },
};

describe('CloudEvents HTTP sink', () => {
  it('posts a request and a response event in binary mode, KServe style', async () => {
    const { server, url, received } = await listen(() => true);
    const logger = new PayloadLogger({ dir: null, sink: { url, mode: 'binary', eventTypes: 'kserve' } });
    assert.equal(logger.log(entry), true);
    await logger.flush();
    await logger.close();
    server.close();
    assert.equal(received.length, 2);
    const byType = Object.fromEntries(received.map((r) => [r.headers['ce-type'], r]));
    const request = byType['org.kubeflow.serving.inference.request']!;
    assert.equal(request.headers['ce-specversion'], '1.0');
    assert.equal(request.headers['ce-id'], 'abc');
    assert.equal(request.headers['ce-inferenceservicename'], 'iris');
    assert.equal(request.headers['ce-source'], '/v2/models/iris/versions/2');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request.body), entry.request);
    assert.deepEqual(JSON.parse(byType['org.kubeflow.serving.inference.response']!.body), entry.response);
    assert.equal(logger.counters().sinkSent, 2);
  });

  it('posts structured events with Berth’s types and unique ids', async () => {
    const { server, url, received } = await listen(() => true);
    const logger = new PayloadLogger({ dir: null, sink: { url, mode: 'structured', eventTypes: 'berth' } });
    logger.log(entry);
    await logger.flush();
    await logger.close();
    server.close();
    const events = received.map((r) => {
      assert.match(String(r.headers['content-type']), /^application\/cloudevents\+json/);
      return JSON.parse(r.body);
    });
    const request = events.find((event) => event.type === 'dev.berth.inference.request');
    assert.deepEqual(request, {
      specversion: '1.0',
      type: 'dev.berth.inference.request',
      source: '/v2/models/iris/versions/2',
      time: '2025-01-01T00:00:00.000Z',
      id: 'abc.request',
      requestid: 'abc',
      model: 'iris',
      modelversion: '2',
      datacontenttype: 'application/json',
      data: entry.request,
    });
    assert.ok(events.some((event) => event.id === 'abc.response' && event.data.predictions[0] === 0));
  });

  it('drops without throwing when the sink is dead, and backs off instead of piling up', async () => {
    const { server, url } = await listen(() => true);
    server.close(); // nothing listens on this port any more
    await new Promise((r) => setTimeout(r, 10));
    const logger = new PayloadLogger({ dir: null, sink: { url, backoffMs: 60_000, timeoutMs: 500 } });
    assert.equal(logger.log(entry), true);
    await logger.flush();
    for (let i = 0; i < 50; i++) logger.log(entry); // inside the backoff: dropped at once
    await logger.close();
    const counters = logger.counters();
    assert.equal(counters.sinkSent, 0);
    assert.ok(counters.sinkFailed >= 1, JSON.stringify(counters));
    assert.equal(counters.sinkFailed + counters.sinkDropped, 102);
  });

  it('gives up on a sink that never answers after timeoutMs', async () => {
    const { server, url } = await listen(() => false); // read the body, never reply
    const logger = new PayloadLogger({ dir: null, sink: { url, timeoutMs: 100, maxPending: 1, maxInFlight: 1 } });
    logger.log(entry);
    await logger.close();
    server.closeAllConnections();
    server.close();
    const counters = logger.counters();
    assert.equal(counters.sinkFailed, 1);
    assert.equal(counters.sinkDropped, 1, 'the response event waited behind the hung post and was dropped on close');
  });

  it('percent-encodes header values the HTTP binding does not allow raw', () => {
    const message = binaryEvent(
      { kind: 'request', requestId: 'ü"%', model: 'm', version: '', time: 't', dataJson: '{}' },
      'berth',
    );
    assert.equal(message.headers['ce-requestid'], '%C3%BC%22%25');
    assert.equal(message.headers['ce-source'], '/v2/models/m');
    assert.deepEqual(
      JSON.parse(
        structuredEvent(
          { kind: 'response', requestId: 'r', model: 'm', version: '1', time: 't', dataJson: '[1]' },
          'kserve',
        ).body,
      ).data,
      [1],
    );
  });
});
