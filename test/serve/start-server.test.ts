import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeRuntimes, irisSignature } from '../../src/runtime/fake.js';
import type { RuntimeFactory } from '../../src/runtime/runtime.js';
import { startServer, type RunningServer } from '../../src/serve/start-server.js';
import { loopbackFlags } from '../helpers/server.js';

/** The fake iris model, whose load starts by calling `entered` and then waits for `loading`. */
function heldLoad(loading: Promise<void>, entered = () => {}): RuntimeFactory {
  const fake = fakeRuntimes(() => irisSignature);
  return (source) => {
    const runtime = fake(source);
    return {
      ...runtime,
      load: async () => {
        entered();
        await loading;
        await runtime.load();
      },
    };
  };
}

const serve = (runtimes: RuntimeFactory, listenGraceMs: number) =>
  startServer({
    target: 'examples/iris',
    flags: { ...loopbackFlags, 'log.level': 'silent' },
    runtimes,
    listenGraceMs,
  });

async function ready(server: RunningServer) {
  const response = await fetch(`${server.url}/ready`);
  return { status: response.status, body: (await response.json()) as { status: string } };
}

test('a model that loads within the grace period is loaded before the server listens: the first /ready is 200', async () => {
  let release = () => {};
  let entered = () => {};
  const loadStarted = new Promise<void>((resolve) => (entered = resolve));
  // A grace period no load here reaches, so the outcome does not depend on the machine's speed.
  let listening = false;
  const starting = serve(heldLoad(new Promise<void>((resolve) => (release = resolve)), entered), 600_000).then(
    (server) => ((listening = true), server),
  );
  await loadStarted;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(listening, false, 'not listening while the model loads');
  release();
  const server = await starting;
  try {
    assert.deepEqual(await ready(server), { status: 200, body: { status: 'ready' } });
  } finally {
    await server.shutdown('test');
  }
});

test('a longer load listens after the grace period: probes answer while the model loads', async () => {
  let release = () => {};
  const server = await serve(heldLoad(new Promise<void>((resolve) => (release = resolve))), 0);
  try {
    assert.deepEqual(await ready(server), { status: 503, body: { status: 'loading' } });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    release();
    await server.loaded;
    assert.deepEqual(await ready(server), { status: 200, body: { status: 'ready' } });
  } finally {
    release();
    await server.shutdown('test');
  }
});
