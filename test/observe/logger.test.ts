import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessLogger, createLogger, httpAccessLog, type HttpAccess } from '../../src/observe/logger.js';

function capture(level = 'info') {
  const lines: string[] = [];
  return { lines, logger: createLogger(level, { write: (line: string) => void lines.push(line) }) };
}

/** What pino writes for the same request through the access logger. */
function pinoLine(logger: ReturnType<typeof createLogger>, a: HttpAccess): void {
  const { requestId, traceId, method, route, model, status, ms } = a;
  accessLogger(logger).info({ requestId, traceId, method, route, model: model || undefined, status, ms }, 'request');
}

const plainRequest: HttpAccess = {
  requestId: 'a',
  traceId: undefined,
  method: 'GET',
  route: '/',
  model: '',
  status: 200,
  ms: 1,
};

// The time may tick between two lines; everything else must be the same text.
const untimed = (line: string) => line.replace(/"time":"[^"]+"/, '"time":""');

test('the HTTP access line is the line pino writes: level, time, bindings, field order, left-out fields, escaping', () => {
  const { lines, logger } = capture();
  const requests: HttpAccess[] = [
    { requestId: 'abc-1', traceId: undefined, method: 'POST', route: '/predict', model: 'iris', status: 200, ms: 1.3 },
    {
      requestId: '0af7651916cd43dd8448eb211c80319c',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      method: 'GET',
      route: '/v2/models/:name/versions/:version/ready',
      model: 'a "quoted" \\ näme\n',
      status: 503,
      ms: 0,
    },
    {
      requestId: 'x.y:z@a/b+c=d',
      traceId: undefined,
      method: 'DELETE',
      route: 'unmatched',
      model: '',
      status: 404,
      ms: 12,
    },
  ];
  for (const access of requests) {
    httpAccessLog(logger)(access);
    pinoLine(logger, access);
  }
  assert.equal(lines.length, 6);
  for (let i = 0; i < lines.length; i += 2) {
    assert.equal(untimed(lines[i]!), untimed(lines[i + 1]!));
    assert.ok(lines[i]!.endsWith('}\n'));
  }
  assert.equal(JSON.parse(lines[2]!).model, 'a "quoted" \\ näme\n');
  assert.equal('model' in JSON.parse(lines[4]!), false);
});

test('the HTTP access line follows the logger level, also when it changes later', () => {
  const { lines, logger } = capture('warn');
  const access = httpAccessLog(logger);
  access(plainRequest);
  assert.equal(lines.length, 0);
  logger.level = 'info';
  access({ ...plainRequest, requestId: 'b' });
  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0]!).requestId, 'b');
});

test('a logger with a log formatter gets its access lines from pino, formatted', () => {
  const { lines, logger } = capture();
  const formatted = logger.child({}, { formatters: { log: (object) => ({ ...object, formatted: true }) } });
  httpAccessLog(formatted)(plainRequest);
  assert.equal(JSON.parse(lines[0]!).formatted, true);
});
