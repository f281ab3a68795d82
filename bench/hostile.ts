import { readFileSync, mkdtempSync, writeFileSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { runProgram, startProgram, type StartedProgram } from '../src/core/programs.js';
import { parseQuantity } from '../src/core/quantity.js';
import { freePort, serveArgs } from '../src/plan/bench-server.js';
import { inferenceClient } from './grpc-load.js';
import { round2 } from './report.js';
import { acceptQueueOf, cpuSecondsOf } from './servers.js';

/**
 * The hostile-traffic figures, one case at a time against `berth serve examples/iris` in its own
 * process (through tsx, so it measures the working tree): what each attack gets back, and the
 * server's peak RSS (VmHWM) while it runs.
 *
 *   node --import tsx bench/hostile.ts [case…] > bench/results/hostile-<label>.json
 *
 * Cases: outputs, labels, slow, control, memory, grpc, flood, drain, values, config, errors.
 */

const iris = 'examples/iris';
const row = [5.1, 3.5, 1.4, 0.2];
const cli = ['--import', 'tsx', 'src/cli/bin.ts'];

interface Server {
  url: string;
  port: number;
  program: StartedProgram;
  peakMb(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

function status(pid: number, field: string): number {
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function serve(args: string[], env: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const program = startProgram(
    process.execPath,
    [
      ...cli,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--grpc-port',
      '0',
      '--log-requests',
      'false',
      // Last, so a case's own flags win.
      ...args,
    ],
    { env: { ...process.env, ...env } },
  );
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > until) throw new Error(`server did not start: ${program.output().slice(-400)}`);
    if (
      (await fetch(`${url}/ready`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      break;
    await sleep(50);
  }
  const pid = program.pid!;
  return {
    url,
    port,
    program,
    peakMb: () => status(pid, 'VmHWM'),
    rssMb: () => status(pid, 'VmRSS'),
    stop: async () => void (await program.kill('SIGTERM', 10_000)),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function send(
  url: string,
  body: string | Buffer,
  options: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
) {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: options.method ?? 'POST',
      body: options.method === 'GET' ? undefined : body,
      headers: { 'content-type': 'application/json', ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    const text = await response.text();
    return {
      status: response.status,
      bytes: text.length,
      text: text.slice(0, 300),
      headers: Object.fromEntries(response.headers),
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    return {
      status: 0,
      bytes: 0,
      text: String((error as Error).message),
      headers: {},
      ms: Math.round(performance.now() - started),
    };
  }
}

const v2Body = (rows: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    inputs: [
      { name: 'float_input', shape: [rows, 4], datatype: 'FP32', data: Array.from({ length: rows }, () => row).flat() },
    ],
    ...extra,
  });

const cases: Record<string, () => Promise<unknown>> = {
  // 1. Every repeat of an output name built another copy of the answer.
  async outputs() {
    const server = await serve([iris]);
    const idle = server.peakMb();
    const body = v2Body(100, { outputs: Array.from({ length: 10_000 }, () => ({ name: 'output_probability' })) });
    const reply = await send(`${server.url}/v2/models/iris/infer`, body, { timeoutMs: 60_000 });
    const result = {
      requestBytes: body.length,
      status: reply.status,
      replyBytes: reply.bytes,
      ms: reply.ms,
      error: reply.status === 200 ? undefined : reply.text,
      idlePeakMb: idle,
      peakMb: server.peakMb(),
    };
    await server.stop();
    return result;
  },

  // 2. Every model name in a URL became a label value, even on 401s.
  async labels() {
    const server = await serve([iris, '--api-key', 'secret']);
    const size = async () => (await send(`${server.url}/metrics`, '', { method: 'GET' })).bytes;
    const before = await size();
    const body = v2Body(1);
    for (let i = 0; i < 2000; i++) {
      const auth: Record<string, string> = i % 2 === 0 ? { authorization: 'Bearer secret' } : {};
      await send(`${server.url}/v2/models/m${i}x${Math.random().toString(36).slice(2)}/infer`, body, { headers: auth });
    }
    const result = { requests: 2000, metricsBytesBefore: before, metricsBytesAfter: await size() };
    await server.stop();
    return result;
  },

  // 3. Slow uploads held in-flight slots and outlived the receive timeout.
  async slow() {
    const server = await serve([iris, '--max-in-flight', '40', '--receive-timeout-ms', '2000']);
    const slowCount = 60;
    const heldMs: number[] = [];
    const sockets = Array.from({ length: slowCount }, () => {
      const started = performance.now();
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      );
      const timer = setInterval(() => socket.writable && socket.write(' '), 250);
      socket.on('close', () => {
        clearInterval(timer);
        heldMs.push(Math.round(performance.now() - started));
      });
      return socket;
    });
    await sleep(500);
    const fast = await Promise.all(
      Array.from({ length: 20 }, () => send(`${server.url}/predict`, JSON.stringify({ features: row }))),
    );
    const statuses = count(fast.map((reply) => reply.status));
    const until = Date.now() + 15_000;
    while (heldMs.length < slowCount && Date.now() < until) await sleep(100);
    for (const socket of sockets) socket.destroy();
    await server.stop();
    return {
      slowConnections: slowCount,
      maxInFlight: 40,
      receiveTimeoutMs: 2000,
      fastStatuses: statuses,
      slowClosedByServer: heldMs.length,
      heldMsMax: Math.max(...heldMs, 0),
      heldMsMin: Math.min(...heldMs),
    };
  },

  // 4. Anonymous model control.
  async control() {
    const repository = mkdtempSync(join(tmpdir(), 'berth-hostile-repo-'));
    const outside = mkdtempSync(join(tmpdir(), 'berth-hostile-outside-'));
    try {
      const registered = await runProgram(
        process.execPath,
        [...cli, 'models', 'register', iris, '--name', 'iris', '--repository', repository],
        {},
      );
      if (registered.code !== 0) throw new Error(registered.stderr);
      mkdirSync(join(repository, '..', 'outside-model'), { recursive: true });
      writeFileSync(join(outside, 'aliases.json'), '{}');
      // The default (model control off), then on with a key: what an anonymous caller and bad names get.
      const off = await serve(['--repository', repository]);
      const offUnload = await send(`${off.url}/v2/repository/models/iris/unload`, '{}');
      await off.stop();
      const server = await serve(['--repository', repository, '--model-control', 'true', '--api-key', 'secret']);
      const auth = { authorization: 'Bearer secret' };
      const post = (path: string, body = '{}', headers: Record<string, string> = auth) =>
        send(`${server.url}${path}`, body, { headers });
      const unload = await post('/v2/repository/models/iris/unload', '{}', {});
      const readyAfterUnload = (await send(`${server.url}/ready`, '', { method: 'GET' })).status;
      const traversal = await post(`/v2/repository/models/..%2F${outside.split('/').pop()}/load`);
      const emptyVersion = await post(
        '/v2/repository/models/iris/load',
        JSON.stringify({ parameters: { version: '' } }),
      );
      const before = server.rssMb();
      for (let i = 0; i < 3000; i++) await post(`/v2/repository/models/n${i}${'x'.repeat(150)}/load`);
      const after = server.rssMb();
      await server.stop();
      return {
        defaultUnload: offUnload.status,
        anonymousUnload: unload.status,
        readyAfterUnload,
        traversal: {
          status: traversal.status,
          showsAbsolutePath: /"\//.test(traversal.text) || traversal.text.includes(tmpdir()),
          error: traversal.text,
        },
        emptyVersion: { status: emptyVersion.status, error: emptyVersion.text },
        unknownNameLoads: 3000,
        rssMbBefore: before,
        rssMbAfter: after,
      };
    } finally {
      rmSync(repository, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  },

  // 5. Peak memory per large request, against the limit `berth manifests` writes.
  async memory() {
    const limit = await manifestMemoryLimit();
    const out: Record<string, unknown> = { manifestLimitMi: limit };
    const bodies: Record<string, () => string> = {
      // 16 MB of rows, within the body limit.
      'v1 rows, 16 MB': () => {
        const rows = Math.floor((16 * 2 ** 20 - 20) / 22);
        return JSON.stringify({ instances: Array.from({ length: rows }, () => [5.12, 3.51, 1.42, 0.21]) });
      },
      '1e6 rows': () => JSON.stringify({ instances: Array.from({ length: 1_000_000 }, () => [1, 2, 3, 4]) }),
      'v2 flat, 16 MB': () => {
        const values = Math.floor((16 * 2 ** 20 - 200) / 5) & ~3;
        return JSON.stringify({
          inputs: [
            {
              name: 'float_input',
              shape: [values / 4, 4],
              datatype: 'FP32',
              data: Array.from({ length: values }, () => 1.5),
            },
          ],
        });
      },
      // Within every default limit of the branch (4 MiB, 100,000 rows): the costliest accepted request.
      'v2 zeros, 100,000 rows (accepted)': () =>
        JSON.stringify({
          inputs: [{ name: 'float_input', shape: [100_000, 4], datatype: 'FP32', data: new Array(400_000).fill(0) }],
        }),
      'v2 zeros, 4 MiB (413 after parsing)': () => {
        const rows = Math.floor((4 * 2 ** 20 - 100) / 8);
        return JSON.stringify({
          inputs: [{ name: 'float_input', shape: [rows, 4], datatype: 'FP32', data: new Array(rows * 4).fill(0) }],
        });
      },
    };
    for (const [title, make] of Object.entries(bodies)) {
      const server = await serve([iris]);
      const idle = server.peakMb();
      const body = make();
      const path = title.startsWith('v2')
        ? '/v2/models/iris/infer'
        : title.startsWith('v1')
          ? '/v1/models/iris:predict'
          : '/predict';
      const reply = await send(`${server.url}${path}`, body);
      out[title] = {
        bodyBytes: body.length,
        status: reply.status,
        error: reply.status === 200 ? undefined : reply.text.slice(0, 120),
        idlePeakMb: idle,
        peakMb: server.peakMb(),
      };
      await server.stop();
    }
    return out;
  },

  // Eight gRPC callers at once with 60 MiB messages, with no memory limit and with the manifest's.
  async grpc() {
    const limit = await manifestMemoryLimit();
    const out: Record<string, unknown> = { manifestLimitMi: limit };
    const rows = (60 * 2 ** 20) / 16;
    const request = {
      model_name: 'iris',
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: [rows, 4] }],
      raw_input_contents: [Buffer.alloc(rows * 16)],
    };
    for (const [title, flags] of Object.entries({
      'no memory limit': [],
      'manifest limit': ['--memory-limit-bytes', String(parseQuantity(limit))],
    })) {
      const grpcPort = await freePort();
      const server = await serve([iris, '--grpc-port', String(grpcPort), ...flags]);
      const idle = server.peakMb();
      const callers = Array.from({ length: 8 }, () =>
        inferenceClient(grpcPort, { 'grpc.max_send_message_length': 64 * 2 ** 20 }),
      );
      const codes = await Promise.all(
        callers.map(
          (caller) =>
            new Promise<string>((resolve) =>
              (caller as unknown as { ModelInfer: (...args: unknown[]) => void }).ModelInfer(
                request,
                (error: ServiceError | null) => resolve(error ? grpcStatus[error.code] : 'OK'),
              ),
            ),
        ),
      );
      for (const caller of callers) caller.close();
      out[title] = { codes: count(codes), idlePeakMb: idle, peakMb: server.peakMb() };
      await server.stop();
    }
    return out;
  },

  // 5. A flood of 200-row bodies at 4× capacity: shed, or left to time out at the client?
  async flood() {
    const server = await serve([iris, ...(process.env.BENCH_EXTRA ? process.env.BENCH_EXTRA.split(' ') : [])]);
    const body = JSON.stringify({ instances: Array.from({ length: 200 }, () => row) });
    const load = async (connections: number, duration: number, rate?: number) => {
      const options = { url: `${server.url}/predict`, body, connections, rate, duration, timeout: 2 };
      const run = await runProgram(process.execPath, ['--import', 'tsx', 'bench/flood-client.ts'], {
        input: JSON.stringify(options),
      });
      if (run.code !== 0) throw new Error(`flood client failed: ${run.stderr.slice(-400)}`);
      return JSON.parse(run.stdout) as { answeredRps: number } & Record<string, unknown>;
    };
    // Capacity closed-loop at two concurrencies: batching answers more per second when many wait.
    const probe8 = await load(8, 3);
    const probe64 = await load(64, 3);
    const capacity = Math.max(probe8.answeredRps, probe64.answeredRps);
    // Half the capacity from as many clients as the flood: nothing should be shed.
    const half = await load(400, 5, Math.round(capacity / 2));
    const peakBefore = server.peakMb();
    // The server's longest event-loop turn (prom-client's lag gauges are reset at each scrape).
    const before = serverSide(await (await fetch(`${server.url}/metrics`)).text());
    // Connections the kernel holds that the server has not accepted yet, sampled through the flood.
    const acceptQueueBySecond: number[] = [];
    const floodStart = performance.now();
    const sampler = setInterval(() => {
      const second = Math.floor((performance.now() - floodStart) / 1000);
      acceptQueueBySecond[second] = Math.max(acceptQueueBySecond[second] ?? 0, acceptQueueOf(server.port));
    }, 50);
    const cpuBefore = cpuSecondsOf([server.program.pid!]);
    const flood = await load(400, 8, capacity * 4);
    clearInterval(sampler);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const result = {
      capacityRps: { connections8: probe8.answeredRps, connections64: probe64.answeredRps },
      probeStatuses: { connections8: probe8.statuses, connections64: probe64.statuses },
      halfLoad: {
        offeredRps: Math.round(capacity / 2),
        sentRps: half.sentRps,
        statuses: half.statuses,
        shedBySecond: half.shedBySecond,
        timeouts: half.timeouts,
        allMs: half.allMs,
      },
      offeredRps: capacity * 4,
      ...flood,
      acceptQueuePeak: Math.max(...acceptQueueBySecond),
      acceptQueueBySecond,
      // How late the server's timers ran through the flood (perf_hooks' event-loop delay, 10 ms resolution).
      serverLoopDelayMs: Object.fromEntries(
        ['p50', 'p99', 'max'].map((stat) => [
          stat,
          Math.round(1000 * Number(new RegExp(`^nodejs_eventloop_lag_${stat}_seconds (\\S+)`, 'm').exec(metrics)?.[1])),
        ]),
      ),
      // CPU the server's process used per second of flood (all its threads): below 1 it was not
      // busy but waiting for a core this shared machine did not give it.
      // Runnable processes on this machine (1-minute average) as the flood ended: other work competes for its cores.
      machineLoadAverage: loadavg()[0],
      serverCpuPerSecond: round2((cpuSecondsOf([server.program.pid!]) - cpuBefore) / 8),
      peakMbBefore: peakBefore,
      peakMb: server.peakMb(),
      ...since(before, serverSide(metrics)),
    };
    await server.stop();
    return result;
  },

  // 6. SIGTERM under keep-alive load with the default settings.
  async drain() {
    const runs = [];
    for (let run = 0; run < 4; run++) runs.push(await drainOnce());
    return { runs, lost: runs.reduce((sum, r) => sum + r.lost, 0) };
  },

  // 7. Values the model cannot use.
  async values() {
    const server = await serve([iris]);
    const infer = (data: string) =>
      send(
        `${server.url}/v2/models/iris/infer`,
        `{"inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP32","data":${data}}]}`,
      );
    const out = {
      '1e309': await infer('[1e309,1,1,1]'),
      '"NaN"': await infer('["NaN",1,1,1]'),
      '3.5e38 into FP32': await infer('[3.5e38,1,1,1]'),
      'nested data not matching shape': await send(
        `${server.url}/v2/models/iris/infer`,
        '{"inputs":[{"name":"float_input","shape":[1,4],"datatype":"FP32","data":[[1,2,3],[4]]}]}',
      ),
      'seed 1e309': await send(`${server.url}/predict`, '{"features":[1e309,1,1,1]}'),
    };
    await server.stop();
    return Object.fromEntries(
      Object.entries(out).map(([key, reply]) => [key, { status: reply.status, body: reply.text.slice(0, 160) }]),
    );
  },

  // 8. Configuration mistakes.
  async config() {
    const dir = mkdtempSync(join(tmpdir(), 'berth-hostile-config-'));
    copyFileSync(`${iris}/model.onnx`, join(dir, 'model.onnx'));
    const attempt = async (yaml: string, extra: string[] = []) => {
      writeFileSync(join(dir, 'berth.yaml'), yaml);
      const port = await freePort();
      const program = startProgram(process.execPath, [...cli, ...serveArgs(dir, port), ...extra]);
      const until = Date.now() + 20_000;
      let ready = 0;
      while (Date.now() < until && program.pid) {
        ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
          (r) => r.status,
          () => 0,
        );
        if (ready === 200) break;
        const exited = await Promise.race([program.wait().then(() => true), sleep(200).then(() => false)]);
        if (exited) break;
      }
      const predict =
        ready === 200
          ? (await send(`http://127.0.0.1:${port}/predict`, JSON.stringify({ features: row }))).status
          : undefined;
      const result = await program.kill('SIGTERM', 5000);
      return {
        started: ready === 200,
        predict,
        exitCode: result.code,
        message: program
          .output()
          .split('\n')
          .filter((line) => line && !line.includes('"level":30'))
          .slice(0, 2)
          .join(' | ')
          .slice(0, 240),
      };
    };
    const busy = await freePort();
    const holder = (await import('node:net')).createServer().listen(busy, '127.0.0.1');
    const out = {
      'misspelt key server.prot': await attempt('server:\n  prot: 9000\nmodel:\n  name: iris\n'),
      'unknown key feature:': await attempt('model:\n  name: iris\n  feature: [a, b, c, d]\n'),
      '3 features for 4 columns': await attempt('model:\n  name: iris\n  features: [a, b, c]\n'),
      '2 labels for 3 classes': await attempt('model:\n  name: iris\n  labels: [x, y]\n'),
      'HTTP port in use': await attempt('model:\n  name: iris\n', ['--port', String(busy)]),
      'gRPC port in use': await attempt('model:\n  name: iris\n', ['--grpc-port', String(busy)]),
    };
    holder.close();
    rmSync(dir, { recursive: true, force: true });
    return out;
  },

  // 9. Error shapes and headers.
  async errors() {
    const server = await serve([iris]);
    const badJson = await send(`${server.url}/predict`, '{"features":');
    const tooLarge = await send(`${server.url}/predict`, Buffer.alloc(17 * 2 ** 20, 0x20));
    const put = await send(`${server.url}/predict`, '{}', { method: 'PUT' });
    const docs = await send(`${server.url}/docs`, '', { method: 'GET' });
    const bigName = 'n'.repeat(1_000_000);
    const echo = await send(`${server.url}/v2/models/iris/infer`, v2Body(1, { outputs: [{ name: bigName }] }));
    await server.stop();
    const shape = (reply: Awaited<ReturnType<typeof send>>) => ({
      status: reply.status,
      requestId: Boolean(reply.headers['x-request-id']),
      body: reply.text.slice(0, 120),
    });
    return {
      badJson: shape(badJson),
      bodyTooLarge: shape(tooLarge),
      put: { ...shape(put), allow: put.headers.allow },
      docs: {
        csp: docs.headers['content-security-policy'],
        frameOptions: docs.headers['x-frame-options'],
        nosniff: docs.headers['x-content-type-options'],
      },
      echoOfAMillionCharacterName: { status: echo.status, replyBytes: echo.bytes },
    };
  },
};

async function drainOnce() {
  const server = await serve([iris]);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const body = JSON.stringify({ features: row });
  let stop = false;
  let ok = 0;
  let lost = 0;
  const one = () =>
    new Promise<'ok' | 'close' | 'refused' | 'lost'>((resolve) => {
      let sent = false;
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/predict',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            resolve(response.statusCode !== 200 ? 'lost' : response.headers.connection === 'close' ? 'close' : 'ok'),
          );
        },
      );
      req.on('finish', () => (sent = true));
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code === 'ECONNREFUSED' || !sent ? 'refused' : 'lost'),
      );
      req.end(body);
    });
  const worker = async () => {
    while (!stop) {
      const outcome = await one();
      if (outcome === 'lost') lost++;
      else if (outcome !== 'refused') ok++;
      if (outcome === 'refused' || outcome === 'close') return;
    }
  };
  const workers = Array.from({ length: 32 }, worker);
  await sleep(500);
  const exit = server.program.kill('SIGTERM', 30_000);
  const result = await exit;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  return { ok, lost, exitCode: result.code };
}

/** The memory limit `berth manifests` writes for the iris example. */
async function manifestMemoryLimit(): Promise<string> {
  const result = await runProgram(process.execPath, [...cli, 'manifests', iris, '--json'], { timeoutMs: 300_000 });
  const objects = JSON.parse(result.stdout).objects as Array<{ kind: string; spec: any }>;
  return objects.find((object) => object.kind === 'Deployment')!.spec.template.spec.containers[0].resources.limits
    .memory;
}

/** Shed requests by reason, and the share of /predict answers the server itself took over 1 s to give. */
function serverSide(metrics: string) {
  const shedReasons: Record<string, number> = {};
  for (const match of metrics.matchAll(/^berth_requests_shed_total\{[^}]*reason="([^"]+)"[^}]*\} (\d+)/gm))
    shedReasons[match[1]!] = (shedReasons[match[1]!] ?? 0) + Number(match[2]);
  const bucket = (le: string) =>
    metrics
      .split('\n')
      .filter(
        (line) =>
          line.startsWith('berth_http_request_duration_seconds_bucket{') &&
          line.includes('route="/predict"') &&
          line.includes(`le="${le}"`),
      )
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  const total = bucket('+Inf');
  return {
    shedReasons,
    serverAnswers: total,
    serverOver1s: total - bucket('1'),
    serverOver250ms: total - bucket('0.25'),
  };
}

/** The flood's own share of the server's counters: what they read after it less what they read before. */
function since(before: ReturnType<typeof serverSide>, after: ReturnType<typeof serverSide>) {
  const shedReasons = { ...after.shedReasons };
  for (const [reason, n] of Object.entries(before.shedReasons)) shedReasons[reason]! -= n;
  return {
    shedReasons,
    serverAnswers: after.serverAnswers - before.serverAnswers,
    serverOver1s: after.serverOver1s - before.serverOver1s,
    serverOver250ms: after.serverOver250ms - before.serverOver250ms,
  };
}

function count(values: Array<number | string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}

const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(cases);
const results: Record<string, unknown> = { machine: { node: process.version }, when: new Date().toISOString() };
for (const name of wanted) {
  process.stderr.write(`${name}…\n`);
  results[name] = await cases[name]!();
  process.stderr.write(`${JSON.stringify(results[name])}\n`);
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
