import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, serveArgs, spawnBerth } from '../helpers/process.js';

/**
 * A configuration mistake stops `berth serve` at start, with a non-zero exit and one plain line
 * that names the fix, instead of a server that starts and fails every request (or ignores the
 * setting).
 */
describe('berth serve refuses a bad configuration at start', () => {
  let dir: string;
  let busy: Server;
  let busyPort: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-start-up-'));
    busy = createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    busyPort = (busy.address() as { port: number }).port;
  });
  after(() => {
    busy.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Serves a copy of the iris model with this berth.yaml; resolves with the exit code and output. */
  async function serve(name: string, yaml: string, flags: string[] = []) {
    const folder = join(dir, name);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    copyFileSync('examples/iris/model.onnx', join(folder, 'model.onnx'));
    writeFileSync(join(folder, 'berth.yaml'), yaml);
    const port = await freePort();
    const server = spawnBerth([...serveArgs(folder, port), '--drain-delay-seconds', '0', ...flags]);
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 60_000);
    const { code } = await server.exit;
    clearTimeout(timer);
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('{'));
    return { code, lines };
  }

  const cases: Array<{ title: string; yaml: string; flags?: () => string[]; message: RegExp }> = [
    {
      title: 'a misspelt key',
      yaml: 'server:\n  prot: 9000\n',
      message: /^berth: berth.yaml: unknown key `server.prot`; did you mean server.port\?$/,
    },
    {
      title: 'an unknown model key',
      yaml: 'model:\n  name: iris\n  feature: [a, b, c, d]\n',
      message: /^berth: berth.yaml: unknown key `model.feature`; did you mean model.features\?$/,
    },
    {
      title: 'fewer feature names than columns',
      yaml: 'model:\n  features: [a, b, c]\n',
      message:
        /^berth: berth.yaml does not fit model `[^`]+`: model.features names 3 features but input `float_input` has 4 columns/,
    },
    {
      title: 'fewer labels than classes',
      yaml: 'model:\n  labels: [setosa, versicolor]\n',
      message: /^berth: berth.yaml does not fit model `[^`]+`: model.labels names 2 labels but the model has 3 classes/,
    },
    {
      title: 'model control without a key',
      yaml: 'server:\n  modelControl: true\n',
      message: /^berth: invalid setting server.modelControl: .*needs an API key/,
    },
    {
      title: 'an API key file that is not there',
      yaml: '',
      flags: () => ['--api-key-file', join(dir, 'missing-key')],
      message: /^berth: invalid setting server.apiKeyFile: cannot read .*missing-key: ENOENT$/,
    },
    {
      title: 'the HTTP port in use',
      yaml: '',
      flags: () => ['--port', String(busyPort)],
      message:
        /^berth: HTTP port \d+ is already in use; stop what is listening there, or choose another port with --port or BERTH_PORT$/,
    },
    {
      title: 'the gRPC port in use',
      yaml: '',
      flags: () => ['--grpc-port', String(busyPort)],
      message:
        /^berth: gRPC port \d+ is already in use; stop what is listening there, or choose another port with --grpc-port or BERTH_GRPC_PORT$/,
    },
  ];

  for (const [index, testCase] of cases.entries()) {
    it(`${testCase.title}: exit 1 and a message naming the fix`, async () => {
      const { code, lines } = await serve(`case-${index}`, testCase.yaml, testCase.flags?.() ?? []);
      assert.equal(code, 1, lines.join('\n'));
      assert.equal(lines.length, 1, `one plain line, no stray output: ${JSON.stringify(lines)}`);
      assert.match(lines[0]!, testCase.message);
    });
  }
});
