import { resolve } from 'node:path';
import { serveArgs } from '../../src/plan/bench-server.js';
import { compiledBenchScript } from '../servers.js';

/**
 * The systems a user would run instead of Berth, each as its documentation recommends for a
 * two-core machine, with its own batching on where it has one; Berth and the ceiling beside them.
 * Every one serves the same model (the iris forest, or the bench forest where it can) on
 * 127.0.0.1 and is measured by the same load generator (bench/peers.ts).
 */
export type ModelName = 'iris' | 'forest';

/** How a system wants one row: the seed's named features, `{"input": [[…]]}`, or OIP v2 JSON. */
export type Dialect = 'named' | 'rows' | 'v2';

/** Free ports for one system: HTTP, and the gRPC and metrics ports some servers open beside it. */
export interface Ports {
  http: number;
  grpc: number;
  metrics: number;
}

export interface Launch {
  program: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/** Where a system finds what it serves: the models the Python peers load, its venv's bin/. */
export interface Workspace {
  /** iris.joblib and forest.joblib (bench/peers/train.py), the seed's model.joblib, MLServer's folders. */
  dir: string;
  /** bin/ of the venv made from bench/peers/requirements/<requirements>.txt. */
  bin(requirements: string): string;
}

export interface System {
  id: string;
  label: string;
  /** bench/peers/requirements/<name>.txt; none for Node systems. */
  requirements?: string;
  /** The packages whose versions the table names. */
  packages?: string[];
  /** The configuration, in words, as the table shows it. */
  settings: string;
  models: ModelName[];
  readyPath: (model: ModelName) => string;
  path: (model: ModelName) => string;
  dialect: (model: ModelName) => Dialect;
  /** OIP v2 input name, where the dialect is v2. */
  v2Input?: (model: ModelName) => string;
  launch: (model: ModelName, ports: Ports, workspace: Workspace) => Launch;
  /** Not a peer: a reference point (the ceiling), left out of "the fastest/leanest peer". */
  reference?: boolean;
  /** Started and measured at rest only, never loaded (it serves no requests). */
  startOnly?: boolean;
}

const here = (...parts: string[]) => resolve('bench/peers', ...parts);
const onnxFile = (model: ModelName) =>
  resolve(model === 'iris' ? 'examples/iris/model.onnx' : 'test/fixtures/models/bench-forest/model.onnx');
const python = (workspace: Workspace, requirements: string) => `${workspace.bin(requirements)}/python`;
/** Python peers write no bytecode into the repository; each reads its model from BENCH_MODEL. */
const pythonEnv = (model: string) => ({ BENCH_MODEL: model, PYTHONDONTWRITEBYTECODE: '1' });
const uvicorn = (app: string, appDir: string, port: number, workers: number) => [
  '-m',
  'uvicorn',
  app,
  '--app-dir',
  appDir,
  '--host',
  '127.0.0.1',
  '--port',
  String(port),
  ...(workers > 1 ? ['--workers', String(workers)] : []),
];

/** Batching of the peers that have it: at most 64 rows (64 connections is the load), a 1 ms window. */
export const peerBatch = { maxBatchSize: 64, windowMs: 1 };

const seed = (workers: number): System => ({
  id: workers === 1 ? 'seed' : `seed-${workers}w`,
  label:
    workers === 1
      ? "Seed tutorial's FastAPI service (1 worker)"
      : `Seed tutorial's FastAPI service, --workers ${workers}`,
  requirements: 'seed-fastapi',
  packages: ['fastapi', 'uvicorn', 'scikit-learn'],
  settings:
    workers === 1
      ? 'the tutorial as written: uvicorn app.main:app, sync def predict, sklearn'
      : `the same, uvicorn --workers ${workers} (one per core)`,
  models: ['iris'],
  readyPath: () => '/ready',
  path: () => '/predict',
  dialect: () => 'named',
  // The tutorial loads model.joblib from its working directory.
  launch: (_model, { http }, workspace) => ({
    program: python(workspace, 'seed-fastapi'),
    args: uvicorn('app.main:app', here('seed-fastapi'), http, workers),
    cwd: resolve(workspace.dir, 'seed'),
    env: pythonEnv(''),
  }),
});

const fastapiOnnx = (workers: number): System => ({
  id: `fastapi-ort-${workers}w`,
  label: `FastAPI + onnxruntime, ${workers} worker${workers > 1 ? 's' : ''}`,
  requirements: 'fastapi-onnxruntime',
  packages: ['fastapi', 'uvicorn', 'onnxruntime'],
  settings: `Berth's model.onnx, async def, 1 intra-op + 1 inter-op thread${workers > 1 ? `, uvicorn --workers ${workers}` : ''}`,
  models: ['iris', 'forest'],
  readyPath: () => '/ready',
  path: (model) => (model === 'iris' ? '/predict' : '/predict/rows'),
  dialect: (model) => (model === 'iris' ? 'named' : 'rows'),
  launch: (model, { http }, workspace) => ({
    program: python(workspace, 'fastapi-onnxruntime'),
    args: uvicorn('app:app', here('fastapi-onnxruntime'), http, workers),
    env: pythonEnv(onnxFile(model)),
  }),
});

/**
 * Berth from the built CLI (dist/cli/bin.js) of this checkout or, as a baseline beside it in the
 * same run, of another built checkout of the repository (`--baseline DIR`).
 */
export const berth = (baseline?: { dir: string; name: string }): System => ({
  id: baseline ? 'berth-baseline' : 'berth',
  label: baseline ? `Berth /predict, baseline: ${baseline.name}` : 'Berth /predict',
  settings: baseline
    ? 'the same defaults, from the baseline checkout’s own build (`--baseline`)'
    : 'berth serve with its defaults (batching, access log, metrics, drift monitoring on)',
  models: ['iris', 'forest'],
  readyPath: () => '/ready',
  path: (model) => (model === 'iris' ? '/predict' : '/v2/models/bench-forest/infer'),
  dialect: (model) => (model === 'iris' ? 'named' : 'v2'),
  v2Input: () => 'float_input',
  launch: (model, { http, grpc }) => ({
    program: process.execPath,
    args: [
      'dist/cli/bin.js',
      ...serveArgs(model === 'iris' ? 'examples/iris' : 'test/fixtures/models/bench-forest', http, grpc),
    ],
    cwd: baseline?.dir,
  }),
});

export const systems: System[] = [
  {
    id: 'ceiling',
    label: 'Ceiling: bare node:http, constant JSON, no model',
    settings: 'bench/ceiling-server.ts',
    models: ['iris'],
    reference: true,
    readyPath: () => '/',
    path: () => '/predict',
    dialect: () => 'named',
    launch: (_model, { http }) => ({
      program: process.execPath,
      args: [compiledBenchScript('ceiling-server'), String(http)],
    }),
  },
  {
    id: 'ort-floor',
    label: 'Floor: node:http + onnxruntime-node, the session made, nothing else',
    settings: 'bench/ort-floor-server.ts (start and rest only: it answers no requests)',
    models: ['iris', 'forest'],
    reference: true,
    startOnly: true,
    readyPath: () => '/ready',
    path: () => '/ready',
    dialect: () => 'named',
    launch: (model, { http }) => ({
      program: process.execPath,
      args: [compiledBenchScript('ort-floor-server'), onnxFile(model), String(http)],
    }),
  },
  berth(),
  seed(1),
  seed(2),
  fastapiOnnx(1),
  fastapiOnnx(2),
  {
    id: 'bentoml',
    label: 'BentoML, adaptive batching',
    requirements: 'bentoml',
    packages: ['bentoml', 'scikit-learn'],
    settings: `workers="cpu_count" (2), batchable=True, max_batch_size ${peerBatch.maxBatchSize}, max_latency_ms 1000`,
    models: ['iris', 'forest'],
    readyPath: () => '/readyz',
    path: () => '/predict',
    dialect: () => 'rows',
    launch: (model, { http }, workspace) => ({
      program: `${workspace.bin('bentoml')}/bentoml`,
      args: ['serve', 'service:Classifier', '--host', '127.0.0.1', '--port', String(http)],
      cwd: here('bentoml'),
      env: {
        ...pythonEnv(resolve(workspace.dir, `${model}.joblib`)),
        BENTOML_HOME: resolve(workspace.dir, 'bentoml-home'),
        BENTOML_DO_NOT_TRACK: 'true',
      },
    }),
  },
  {
    id: 'mlserver',
    label: 'MLServer + sklearn runtime, adaptive batching',
    requirements: 'mlserver',
    packages: ['mlserver', 'mlserver-sklearn', 'scikit-learn'],
    settings: `parallel_workers 2 (one per core), max_batch_size ${peerBatch.maxBatchSize}, max_batch_time ${peerBatch.windowMs} ms`,
    models: ['iris', 'forest'],
    readyPath: (model) => `/v2/models/${model}/ready`,
    path: (model) => `/v2/models/${model}/infer`,
    dialect: () => 'v2',
    v2Input: () => 'input-0',
    // The folder holds the files of mlserverFiles, written by the harness with this launch's ports.
    launch: (model, _ports, workspace) => ({
      program: `${workspace.bin('mlserver')}/mlserver`,
      args: ['start', resolve(workspace.dir, `mlserver-${model}`)],
      env: { PYTHONDONTWRITEBYTECODE: '1' },
    }),
  },
  {
    id: 'litserve',
    label: 'LitServe, batching',
    requirements: 'litserve',
    packages: ['litserve', 'scikit-learn'],
    settings: `1 inference worker behind its API server (its CPU default), max_batch_size ${peerBatch.maxBatchSize}, batch_timeout ${peerBatch.windowMs} ms`,
    models: ['iris', 'forest'],
    readyPath: () => '/health',
    path: () => '/predict',
    dialect: (model) => (model === 'iris' ? 'named' : 'rows'),
    launch: (model, { http }, workspace) => ({
      program: python(workspace, 'litserve'),
      args: [here('litserve', 'server.py'), String(http)],
      env: pythonEnv(resolve(workspace.dir, `${model}.joblib`)),
    }),
  },
];

/** MLServer's configuration, by file name under its folder: settings.json for the server, model-settings.json for the model. */
export function mlserverFiles(model: ModelName, ports: Ports, workspace: Workspace): Record<string, unknown> {
  return {
    'settings.json': {
      debug: false,
      host: '127.0.0.1',
      http_port: ports.http,
      grpc_port: ports.grpc,
      metrics_port: ports.metrics,
      parallel_workers: 2,
    },
    [`${model}/model-settings.json`]: {
      name: model,
      implementation: 'mlserver_sklearn.SKLearnModel',
      max_batch_size: peerBatch.maxBatchSize,
      max_batch_time: peerBatch.windowMs / 1000,
      parameters: { uri: resolve(workspace.dir, `${model}.joblib`) },
    },
  };
}
