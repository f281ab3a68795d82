import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  findPerfAnalyzer,
  runPerfAnalyzer,
  type PerfAnalyzer,
  type PerfAnalyzerRun,
} from '../../bench/perf-analyzer.js';
import { freePort, serveArgs, spawnBerth, waitForReady, type BerthProcess } from '../helpers/process.js';
import { cannotRun } from '../helpers/system-program.js';

/**
 * Triton's perf_analyzer (the binary in the tritonclient wheel), unmodified, against `berth serve`:
 * it reads the model configuration and metadata, drives inference over HTTP (binary and JSON
 * tensors) and gRPC, and reads the statistics extension for its server-side breakdown. Checks that
 * each run completes and reports throughput; how much is the benchmark's business (bench/), so
 * any three windows count as stable here, and a window is a number of requests, not a time.
 */
async function serve(target: string): Promise<{ process: BerthProcess; http: string; grpc: string }> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const process = spawnBerth([...serveArgs(target, httpPort, grpcPort), '--log-requests', 'false']);
  await waitForReady(`http://127.0.0.1:${httpPort}/ready`);
  return { process, http: `127.0.0.1:${httpPort}`, grpc: `127.0.0.1:${grpcPort}` };
}

describe('perf_analyzer against berth serve', () => {
  let tool: PerfAnalyzer | string;
  let iris: Awaited<ReturnType<typeof serve>>;
  let fixedBatch: Awaited<ReturnType<typeof serve>>;
  before(async () => {
    tool = await findPerfAnalyzer();
    if (typeof tool === 'string') return;
    [iris, fixedBatch] = await Promise.all([serve('examples/iris'), serve('test/fixtures/models/torch-fixed-batch')]);
  });
  after(async () => {
    for (const server of [iris, fixedBatch]) {
      server?.process.child.kill('SIGTERM');
      await server?.process.exit;
    }
  });

  const runs: Array<[string, () => PerfAnalyzerRun]> = [
    [
      'iris over HTTP, binary tensors',
      () => ({
        model: 'iris',
        url: iris.http,
        protocol: 'http',
        tensors: 'binary',
        concurrency: 2,
        windowMs: 300,
        windowRequests: 50,
        stability: 1000,
      }),
    ],
    [
      'iris over HTTP, JSON tensors',
      () => ({
        model: 'iris',
        url: iris.http,
        protocol: 'http',
        tensors: 'json',
        concurrency: 2,
        windowMs: 300,
        windowRequests: 50,
        stability: 1000,
      }),
    ],
    [
      'iris over gRPC',
      () => ({
        model: 'iris',
        url: iris.grpc,
        protocol: 'grpc',
        concurrency: 2,
        windowMs: 300,
        windowRequests: 50,
        stability: 1000,
      }),
    ],
    [
      'iris over HTTP with 8 rows per request',
      () => ({
        model: 'iris',
        url: iris.http,
        protocol: 'http',
        concurrency: 2,
        windowMs: 300,
        windowRequests: 50,
        batchSize: 8,
        stability: 1000,
      }),
    ],
    [
      'a fixed-batch model (max_batch_size 0) over HTTP',
      () => ({
        model: 'torch-fixed-batch',
        url: fixedBatch.http,
        protocol: 'http',
        concurrency: 1,
        windowMs: 300,
        windowRequests: 50,
        stability: 1000,
      }),
    ],
  ];
  for (const [title, run] of runs) {
    it(`completes and reports throughput: ${title}`, async (t: TestContext) => {
      if (typeof tool === 'string') return cannotRun(t, tool);
      const result = await runPerfAnalyzer(tool, run());
      assert.ok(result.throughput > 0, result.output);
      assert.ok(result.serverSuccesses > 0, `server statistics counted the requests:\n${result.output}`);
      assert.doesNotMatch(result.output, /error|failed/i);
    });
  }
});
