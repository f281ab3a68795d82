import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { runProgram } from '../src/core/programs.js';
import { protoPath } from '../src/grpc/proto.js';
import type { LoadTestResult } from '../src/plan/load-test.js';

/**
 * gRPC load from h2load (Debian's nghttp2-client), a C HTTP/2 client: the grpc-js client costs
 * ~0.66 ms of CPU per call, so with it the bench measured its own load generator (the server's
 * profile was two-thirds idle). Every call posts the same gRPC-framed ModelInferRequest with raw
 * contents. h2load sees only HTTP statuses, and gRPC reports failure in trailers with HTTP 200,
 * so `rowsServed` (berth_inference_rows_total before and after) must account for every call
 * counted as answered; the shortfall is counted as errors. h2load gives the mean and the maximum
 * request time but no percentiles, so p50 and p99 are NaN (the table prints "–").
 */
export async function h2loadGrpc(
  port: number,
  model: string,
  row: number[],
  connections: number,
  streams: number,
  seconds: number,
  rowsServed: () => Promise<number>,
): Promise<LoadTestResult> {
  const root = await new protobuf.Root().load(protoPath, { keepCase: true });
  const type = root.lookupType('inference.ModelInferRequest');
  const message = type
    .encode(
      type.fromObject({
        model_name: model,
        inputs: [{ name: 'float_input', datatype: 'FP32', shape: [1, row.length] }],
        raw_input_contents: [Buffer.from(Float32Array.from(row).buffer)],
      }),
    )
    .finish();
  // gRPC framing: a compressed flag (0) and the message length (big-endian), then the message.
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  const dir = mkdtempSync(join(tmpdir(), 'berth-h2load-'));
  const body = join(dir, 'request.bin');
  writeFileSync(body, frame);
  try {
    const before = await rowsServed();
    const result = await runProgram('h2load', [
      '-D',
      String(seconds),
      '-c',
      String(connections),
      '-m',
      String(streams),
      '-H',
      'content-type: application/grpc',
      '-H',
      'te: trailers',
      '-d',
      body,
      `http://127.0.0.1:${port}/inference.GRPCInferenceService/ModelInfer`,
    ]);
    const served = (await rowsServed()) - before;
    if (result.code !== 0) throw new Error(`h2load exited ${result.code}: ${result.stderr.slice(-500)}`);
    return parseH2load(result.stdout, { port, connections: connections * streams, seconds, served });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures of h2load's summary ("requests: … succeeded …", "time for request: min max mean …"). */
export function parseH2load(
  output: string,
  run: { port: number; connections: number; seconds: number; served: number },
): LoadTestResult {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? Number.NaN);
  const succeeded = number(/(\d+) succeeded/);
  const failed = number(/(\d+) failed/) + number(/(\d+) errored/);
  const timeouts = number(/(\d+) timeout/);
  const milliseconds = (text: string | undefined) =>
    text?.endsWith('us')
      ? parseFloat(text) / 1000
      : text?.endsWith('ms')
        ? parseFloat(text)
        : parseFloat(text ?? 'NaN') * 1000;
  const times = /time for request:\s+(\S+)\s+(\S+)\s+(\S+)/.exec(output);
  if (Number.isNaN(succeeded) || !times) throw new Error(`unexpected h2load output: ${output.slice(-500)}`);
  const answered = Math.min(succeeded, run.served);
  return {
    mode: 'fixed-concurrency',
    url: `grpc://127.0.0.1:${run.port}`,
    method: 'ModelInfer (h2load)',
    connections: run.connections,
    durationSeconds: run.seconds,
    requests: { completed: answered, perSecond: answered / run.seconds },
    latencyMs: {
      p50: Number.NaN,
      p90: Number.NaN,
      p99: Number.NaN,
      p999: Number.NaN,
      max: milliseconds(times[2]),
      mean: milliseconds(times[3]),
    },
    errors: failed + (succeeded - answered),
    timeouts,
    non2xx: 0,
    statusCodes: {},
  };
}
