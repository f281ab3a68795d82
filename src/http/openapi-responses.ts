import { berthVersion } from '../core/version.js';
import { metadataTensorSchema, v2ResponseSchema, type JsonSchema } from '../protocol/body-schemas.js';

/**
 * What each route answers with 200, for /openapi.json: media types, schemas and examples, keyed
 * by method and fastify path (a route's own `response` schema, where it declares one, wins).
 * `/versions/:version` paths answer as their unversioned twins. A test calls every documented
 * operation on a served model and checks each answer against these schemas, so they cannot drift.
 */
export interface MediaExample {
  schema: JsonSchema;
  example?: unknown;
}

export interface DocumentedResponse {
  content: Record<string, MediaExample>;
  /** Examples for path parameters other than the model's name and version. */
  parameters?: Record<string, string>;
}

const text = (example?: string): MediaExample => ({
  schema: { type: 'string' },
  ...(example === undefined ? {} : { example }),
});
const binary: MediaExample = { schema: { type: 'string', format: 'binary' } };
const json = (schema: JsonSchema, example?: unknown): DocumentedResponse => ({
  content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } },
});
const object = (properties: Record<string, JsonSchema>, required = Object.keys(properties)): JsonSchema => ({
  type: 'object',
  required,
  properties,
});
const string: JsonSchema = { type: 'string' };
const boolean: JsonSchema = { type: 'boolean' };
const integer: JsonSchema = { type: 'integer' };

const readyOfModel = json(object({ name: string, ready: boolean }), { name: 'iris', ready: true });

const statistic = object({ count: integer, ns: integer });
/** Triton's statistics extension (extension_statistics.md): one entry per model version. */
const modelStatistics = json(
  object({
    model_stats: {
      type: 'array',
      items: object(
        {
          name: string,
          version: string,
          last_inference: integer,
          inference_count: integer,
          execution_count: integer,
          inference_stats: { type: 'object', additionalProperties: statistic },
        },
        ['name', 'version', 'inference_count', 'execution_count', 'inference_stats'],
      ),
    },
  }),
  {
    model_stats: [
      {
        name: 'iris',
        version: '1',
        last_inference: 1767225600000,
        inference_count: 12,
        execution_count: 3,
        inference_stats: { success: { count: 3, ns: 1840000 } },
      },
    ],
  },
);

/** OIP v2 model metadata (`$metadata_model_response`). */
const modelMetadata = json(
  object(
    {
      name: string,
      versions: { type: 'array', items: string },
      platform: string,
      inputs: { type: 'array', items: metadataTensorSchema },
      outputs: { type: 'array', items: metadataTensorSchema },
      parameters: { type: 'object', additionalProperties: string },
    },
    ['name', 'platform', 'inputs', 'outputs'],
  ),
  {
    name: 'iris',
    versions: ['1'],
    platform: 'onnx_onnxv1',
    inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'output_label', datatype: 'INT64', shape: [-1] }],
    parameters: { current_version: '1' },
  },
);

/** Triton's ModelConfig (model_config.proto) as JSON. */
const modelConfig = json(
  object(
    {
      name: string,
      platform: string,
      backend: string,
      max_batch_size: integer,
      input: { type: 'array', items: { type: 'object' } },
      output: { type: 'array', items: { type: 'object' } },
    },
    ['name', 'platform', 'input', 'output'],
  ),
  {
    name: 'iris',
    platform: 'onnx_onnxv1',
    backend: 'onnxruntime',
    max_batch_size: 100000,
    input: [{ name: 'float_input', data_type: 'TYPE_FP32', dims: [4] }],
    output: [{ name: 'output_label', data_type: 'TYPE_INT64', dims: [1] }],
  },
);

const prediction: JsonSchema = { description: 'the class or value the model predicts' };
const probabilities: JsonSchema = {
  type: 'object',
  additionalProperties: { type: 'number' },
  description: 'per class (classifiers)',
};
/** The seed dialect's answers: one row, or parallel arrays for `instances`. */
export const predictResponseSchema: JsonSchema = {
  oneOf: [
    {
      ...object({ prediction, label: string, probabilities, model_name: string, model_version: string }, [
        'prediction',
        'model_name',
        'model_version',
      ]),
      title: 'one row',
    },
    {
      ...object(
        {
          predictions: { type: 'array', items: prediction },
          labels: { type: 'array', items: string },
          probabilities: { type: 'array', items: probabilities },
          model_name: string,
          model_version: string,
        },
        ['predictions', 'model_name', 'model_version'],
      ),
      title: 'several rows (instances)',
    },
  ],
};

const feedbackResponse = json(
  object(
    {
      model: string,
      version: string,
      accuracy: {
        type: 'object',
        description: 'live accuracy (classification) or MAE / RMSE (regression) over the feedback so far',
      },
    },
    ['model', 'version', 'accuracy'],
  ),
  {
    model: 'iris',
    version: '1',
    rows: 1,
    correct: 1,
    accuracy: { task: 'classification', samples: 1, accuracy: 1, mae: null, rmse: null },
  },
);

export const documentedResponses: Record<string, DocumentedResponse> = {
  'GET /healthz': json(object({ status: { type: 'string', enum: ['ok'] } }), { status: 'ok' }),
  'GET /ready': json(object({ status: { type: 'string', enum: ['ready'] } }), { status: 'ready' }),
  'GET /v2/health/live': json(object({ live: boolean }), { live: true }),
  'GET /v2/health/ready': json(object({ ready: boolean }), { ready: true }),
  'GET /metrics': {
    content: {
      'text/plain': text(
        '# HELP berth_inference_requests_total Inference requests by model, version and outcome.\n# TYPE berth_inference_requests_total counter\nberth_inference_requests_total{model="iris",version="1",outcome="success"} 12\n',
      ),
    },
  },
  'GET /v2': json(object({ name: string, version: string, extensions: { type: 'array', items: string } }), {
    name: 'berth',
    version: berthVersion,
    extensions: ['binary_tensor_data', 'model_configuration', 'statistics'],
  }),
  'GET /v2/models/stats': modelStatistics,
  'GET /v2/models/:name/stats': modelStatistics,
  'GET /v2/models/:name/config': modelConfig,
  'GET /v2/models/:name': modelMetadata,
  'GET /v2/models/:name/ready': readyOfModel,
  'POST /v2/models/:name/infer': json(v2ResponseSchema),
  'POST /predict': json(predictResponseSchema),
  'POST /models/:name/predict': json(predictResponseSchema),
  'GET /v1/models': json(object({ models: { type: 'array', items: string } }), { models: ['iris'] }),
  'GET /v1/models/:name': readyOfModel,
  'POST /v1/models/:name(^[^:/]+)::predict': json(object({ predictions: { type: 'array', items: prediction } }), {
    predictions: [1],
  }),
  'GET /': {
    content: {
      'application/json': {
        schema: object({ status: { type: 'string', enum: ['alive'] } }),
        example: { status: 'alive' },
      },
      'text/html': text(),
    },
  },
  'GET /dashboard/:file': {
    content: { 'text/javascript': text(), 'text/css': text(), 'image/svg+xml': text() },
    parameters: { file: 'app.js' },
  },
  'GET /v2/models/:name/drift': json(
    { type: 'object' },
    {
      model: 'iris',
      version: '1',
      generated_at: '2026-01-01T00:00:00.000Z',
      sample_size: 0,
      drifted: false,
      drifted_features: [],
      features: [],
      prediction: null,
      accuracy: { task: 'classification', samples: 0 },
    },
  ),
  'POST /v2/models/:name/feedback': feedbackResponse,
  'POST /v2/repository/index': json(
    {
      type: 'array',
      items: object({ name: string, version: string, state: string, reason: string }, ['name', 'state']),
    },
    [{ name: 'iris', version: '1', state: 'READY' }],
  ),
  'POST /v2/repository/models/:name/load': json({ type: 'object' }, {}),
  'POST /v2/repository/models/:name/unload': json({ type: 'object' }, {}),
  'GET /openapi.json': json(object({ openapi: string, info: { type: 'object' }, paths: { type: 'object' } })),
  'GET /docs': { content: { 'text/html': text() } },
  'GET /docs/init.js': { content: { 'text/javascript': text() } },
  'GET /docs/:file': {
    content: { 'text/css': text(), 'text/javascript': text(), 'image/png': binary },
    parameters: { file: 'swagger-ui.css' },
  },
};

/** The documented 200 of a route (`/versions/:version` paths answer as their unversioned twins). */
export function documentedResponse(method: string, url: string): DocumentedResponse | undefined {
  return documentedResponses[`${method} ${url.replace('/versions/:version', '')}`];
}
