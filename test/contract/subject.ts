import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@grpc/grpc-js';
import type { InferenceEvent, ShadowEvent } from '../../src/core/inference.js';
import type { RunningGrpcServer } from '../../src/grpc/server.js';
import { createFakeRuntime, fakeRuntimes, irisSignature } from '../../src/runtime/fake.js';
import type { RuntimeFactory } from '../../src/runtime/runtime.js';
import type { RunningServer } from '../../src/serve/start-server.js';
import { fnv1a } from '../../src/serving/traffic.js';
import { grpcOver, inferenceClient } from '../grpc/client.js';
import { loadCase, startTestServer } from '../helpers/server.js';

/**
 * What every dialect's contract suite runs against: a server with one model, `iris`, in three
 * versions, under a traffic policy (canary: version 2 answers 30% of requests, sticky per
 * request id; shadow: version 3 gets a copy of each), over HTTP (fastify inject) and gRPC (a real
 * client on a loopback port). Two subjects: the deterministic fake runtime (milliseconds), and
 * onnxruntime on the fixture models. The suites are written once (hono's contract tests).
 */
export interface Subject {
  label: string;
  server: RunningServer;
  grpc: Client;
  features: string[];
  labels: string[];
  /** Rows whose answers from version 1 are known, in feature order. */
  rows: number[][];
  /** Version 1's answers to `rows`: class index and class probabilities per row. */
  expected: { classes: number[]; probabilities: number[][] };
  tolerance: { abs: number; rel: number };
  /** The version the traffic policy picks for a request id naming no version. */
  versionFor(requestId: string): string;
  /** Request ids the policy sends to version 1, then to the canary: `count` of each. */
  ids(prefix: string, count: number, version: '1' | '2'): string[];
  /** Which version answered each request id (the data plane's inference events). */
  answeredBy: Map<string, string>;
  /** Shadow comparisons so far; `shadowed(ids)` resolves once each request id was compared as often as it appears. */
  shadows: ShadowEvent[];
  shadowed(requestIds: string[]): Promise<ShadowEvent[]>;
  stop(): Promise<void>;
}

export const canary = { version: '2', percent: 30 };
export const shadowVersion = '3';
const features = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const labels = ['setosa', 'versicolor', 'virginica'];
const fixture = loadCase('sk-forest-int');
const rows = Array.from({ length: fixture.inputs.float_input!.shape[0]! }, (_, row) =>
  (fixture.inputs.float_input!.data as number[]).slice(row * 4, row * 4 + 4),
);

/** The fake: version N adds N - 1 to every answer, so the canary and the shadow answer differently. */
export async function fakeSubject(): Promise<Subject> {
  const offsets: Record<string, number> = { 1: 0, 2: 1, 3: 2 };
  const runtimes = fakeRuntimes((_, version) => ({ ...irisSignature, offset: offsets[version] }));
  const reference = createFakeRuntime({ name: 'iris', version: '1', ...irisSignature });
  await reference.load();
  const { outputs } = await reference.infer({
    inputs: [{ name: 'float_input', datatype: 'FP32', shape: [rows.length, 4], data: Float32Array.from(rows.flat()) }],
  });
  const classes = Array.from(outputs[0]!.data as BigInt64Array, Number);
  const probabilities = rows.map((_, row) =>
    Array.from((outputs[1]!.data as Float32Array).subarray(row * 3, row * 3 + 3)),
  );
  return subject(
    'fake',
    runtimes,
    ['examples/iris/model.onnx', 'examples/iris/model.onnx', 'examples/iris/model.onnx'],
    { classes, probabilities },
    { abs: 0, rel: 0 },
  );
}

/** onnxruntime: the iris forest answers, a logistic regression is the canary, the seed's own iris model the shadow. */
export function onnxSubject(): Promise<Subject> {
  const expected = {
    classes: (fixture.expected.output_label!.data as number[]).map(Number),
    probabilities: rows.map((_, row) =>
      (fixture.expected.output_probability!.data as number[]).slice(row * 3, row * 3 + 3),
    ),
  };
  const models = ['test/fixtures/models/sk-forest-int', 'test/fixtures/models/sk-pipeline-logreg', 'examples/iris'].map(
    (folder) => `${folder}/model.onnx`,
  );
  return subject('onnxruntime', undefined, models, expected, fixture.tolerance);
}

async function subject(
  label: string,
  runtimes: RuntimeFactory | undefined,
  models: string[],
  expected: Subject['expected'],
  tolerance: Subject['tolerance'],
): Promise<Subject> {
  const folder = mkdtempSync(join(tmpdir(), 'berth-contract-'));
  const config = join(folder, 'berth.yaml');
  writeFileSync(
    config,
    [
      'model:',
      '  name: iris',
      `  features: [${features.join(', ')}]`,
      `  labels: [${labels.join(', ')}]`,
      'traffic:',
      '  iris:',
      `    canary: { version: ${canary.version}, percent: ${canary.percent} }`,
      `    shadow: { version: ${shadowVersion} }`,
      '',
    ].join('\n'),
  );
  const server = await startTestServer(models[0]!, {}, { config, runtimes });
  const served = server.dataplane.models.model('iris').config;
  for (const [index, path] of models.slice(1).entries())
    await server.manager.loadFile(path, { ...served, version: String(index + 2) }, false);
  const grpcServer: RunningGrpcServer = await grpcOver(server);
  const grpc = inferenceClient(grpcServer.port);

  const answeredBy = new Map<string, string>();
  server.dataplane.observe(
    (event: InferenceEvent) => event.requestId !== undefined && answeredBy.set(event.requestId, event.version),
  );
  const shadows: ShadowEvent[] = [];
  const waiting = new Set<() => void>();
  server.dataplane.observeShadows((event) => {
    shadows.push(event);
    for (const check of waiting) check();
  });
  const comparedOf = (requestIds: string[]) => {
    const wanted = new Set(requestIds);
    const compared = shadows.filter((event) => wanted.has(event.requestId!));
    return compared.length >= requestIds.length ? compared : undefined;
  };
  // The policy as berth.yaml states it: the request id's FNV-1a bucket, in hundredths of a percent.
  const versionFor = (requestId: string) => ((fnv1a(requestId) % 10_000) / 100 < canary.percent ? canary.version : '1');

  return {
    label,
    server,
    grpc,
    features,
    labels,
    rows,
    expected,
    tolerance,
    versionFor,
    answeredBy,
    shadows,
    ids(prefix, count, version) {
      const out: string[] = [];
      for (let i = 0; out.length < count; i++) if (versionFor(`${prefix}-${i}`) === version) out.push(`${prefix}-${i}`);
      return out;
    },
    shadowed: (requestIds) =>
      new Promise((resolve, reject) => {
        // Bounded, so that a request never copied fails the test rather than hanging it.
        const timer = setTimeout(
          () => (waiting.delete(check), reject(new Error(`no shadow comparison for some of ${requestIds.join(', ')}`))),
          10_000,
        );
        const check = () => {
          const compared = comparedOf(requestIds);
          if (!compared) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(compared);
        };
        waiting.add(check);
        check();
      }),
    async stop() {
      grpc.close();
      await grpcServer.close();
      await server.shutdown('test done');
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** |a - b| ≤ abs + rel·|b|, elementwise, for the expected values. */
export function near(actual: number[], expected: number[], { abs, rel }: Subject['tolerance']): boolean {
  return (
    actual.length === expected.length &&
    actual.every((value, i) => Math.abs(value - expected[i]!) <= abs + rel * Math.abs(expected[i]!) + 1e-6)
  );
}
