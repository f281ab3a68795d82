import { credentials, loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoLoaderOptions, protoPath } from '../src/grpc/proto.js';
import { LatencyRecorder } from '../src/plan/latency-stats.js';
import type { LoadTestResult } from '../src/plan/load-test.js';

let service: ServiceClientConstructor | undefined;

/** A grpc-js client of `inference.GRPCInferenceService` on a loopback port (the shipped proto, loaded once). */
export function inferenceClient(
  port: number,
  options: Record<string, number> = {},
): InstanceType<ServiceClientConstructor> {
  service ??= (loadPackageDefinition(loadSync(protoPath, protoLoaderOptions)).inference as GrpcObject)
    .GRPCInferenceService as ServiceClientConstructor;
  return new service(`127.0.0.1:${port}`, credentials.createInsecure(), options);
}

/**
 * A closed-loop gRPC load generator (autocannon speaks HTTP/1 only): `connections` channels,
 * each keeping one ModelInfer call in flight, for `seconds`. Raw little-endian contents, as a
 * performance-minded client (tritonclient) sends them.
 */
export async function grpcLoad(
  port: number,
  model: string,
  row: number[],
  connections: number,
  seconds: number,
): Promise<LoadTestResult> {
  const request = {
    model_name: model,
    inputs: [{ name: 'float_input', datatype: 'FP32', shape: ['1', String(row.length)] }],
    raw_input_contents: [Buffer.from(Float32Array.from(row).buffer)],
  };
  const recorder = new LatencyRecorder();
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const clients = Array.from({ length: connections }, () =>
    inferenceClient(port, { 'grpc.use_local_subchannel_pool': 1 }),
  );
  const loop = (client: InstanceType<ServiceClientConstructor>) =>
    new Promise<void>((resolve) => {
      const next = () => {
        if (performance.now() >= until) return resolve();
        const started = performance.now();
        (client as unknown as { ModelInfer: (...args: unknown[]) => unknown }).ModelInfer(
          request,
          (error: Error | null) => {
            if (error) errors++;
            else recorder.add(performance.now() - started);
            next();
          },
        );
      };
      next();
    });
  await Promise.all(clients.map(loop));
  clients.forEach((client) => client.close());
  return {
    mode: 'fixed-concurrency',
    url: `grpc://127.0.0.1:${port}`,
    method: 'ModelInfer',
    connections,
    durationSeconds: seconds,
    requests: { completed: recorder.count, perSecond: recorder.count / seconds },
    latencyMs: recorder.summary(),
    errors,
    timeouts: 0,
    non2xx: 0,
    statusCodes: {},
  };
}
