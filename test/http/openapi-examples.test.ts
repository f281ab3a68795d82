import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import type { RunningServer } from '../../src/serve/start-server.js';
import { startTestServer } from '../helpers/server.js';

/**
 * Every operation /openapi.json documents, executed over a real socket exactly as Swagger UI's
 * "Try it out" sends it (the documented path parameters and request body), on models with and
 * without a reference profile: 200, a documented media type, and a body that the documented 200
 * schema accepts. The documented examples are checked against their own schemas too.
 */
type Operation = {
  parameters?: Array<{ name: string; example?: string }>;
  requestBody?: { content: Record<string, { schema: object; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: object; example?: unknown }> }>;
};

const ajv = new Ajv({ strict: false, allErrors: true });
const valid = (schema: object, value: unknown) => {
  const validate = ajv.compile(schema);
  return validate(value) ? '' : ajv.errorsText(validate.errors);
};

const models = [
  { target: 'examples/iris', why: 'a reference profile: the example row is its medians', rows: true, profile: true },
  {
    target: 'test/fixtures/models/sk-column-transformer',
    why: 'one input per column, a string among them; no profile',
    rows: true,
    profile: false,
  },
  { target: 'test/fixtures/models/torch-int64', why: 'int64 ids, no feature names', rows: true, profile: false },
  { target: 'test/fixtures/models/onnx-all-datatypes', why: 'every OIP datatype', rows: true, profile: false },
  {
    target: 'test/fixtures/models/torch-two-inputs',
    why: 'two tensors, not rows: OIP v2 only',
    rows: false,
    profile: false,
  },
];

for (const model of models) {
  describe(`the documented examples work as written: ${model.target} (${model.why})`, () => {
    let server: RunningServer;
    let document: { paths: Record<string, Record<string, Operation>> };
    before(async () => {
      server = await startTestServer(model.target);
      document = (await (await fetch(`${server.url}/openapi.json`)).json()) as typeof document;
    });
    after(() => server.shutdown('test done'));

    it('documents a schema and an example for every 200, and a request example where a body is taken', () => {
      const missing: string[] = [];
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const content = operation.responses['200']?.content;
          if (!content) missing.push(`${method} ${path}: no 200 content`);
          const request = operation.requestBody?.content['application/json'];
          if (request?.example !== undefined)
            assert.equal(valid(request.schema, request.example), '', `${method} ${path} request example`);
          for (const [type, media] of Object.entries(content ?? {})) {
            if (media.example !== undefined)
              assert.equal(valid(media.schema, media.example), '', `${method} ${path} ${type} response example`);
          }
          // The row dialects have no answer to show for a model that does not take rows.
          const possible = model.rows || !/predict$/.test(path);
          if (
            possible &&
            content?.['application/json'] &&
            content['application/json'].example === undefined &&
            !path.startsWith('/openapi')
          )
            missing.push(`${method} ${path}: no JSON example`);
          for (const parameter of operation.parameters ?? [])
            if (parameter.example === undefined) missing.push(`${method} ${path}: no example for {${parameter.name}}`);
          const expectsBody =
            /\/infer$/.test(path) ||
            (model.rows && /predict$/.test(path)) ||
            (model.profile && /\/feedback$/.test(path));
          if (operation.requestBody && expectsBody && request?.example === undefined)
            missing.push(`${method} ${path}: no request example`);
        }
      }
      assert.deepEqual(missing, []);
    });

    it('answers every documented operation with 200 and a body its schema accepts', async () => {
      const answered: string[] = [];
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const example = operation.requestBody?.content['application/json']?.example;
          if (operation.requestBody && example === undefined) continue; // no example: nothing to try
          if (!model.profile && path.endsWith('/drift')) continue; // 404 without a reference profile, as documented
          const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
            encodeURIComponent(operation.parameters!.find((parameter) => parameter.name === name)!.example!),
          );
          const response = await fetch(
            `${server.url}${url}`,
            example === undefined
              ? { method: method.toUpperCase() }
              : {
                  method: method.toUpperCase(),
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify(example),
                },
          );
          const body = await response.text();
          assert.equal(response.status, 200, `${method} ${url} → ${response.status} ${body.slice(0, 500)}`);
          const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
          const media = operation.responses['200']!.content![type];
          assert.ok(
            media,
            `${method} ${url} answered ${type}, documented: ${Object.keys(operation.responses['200']!.content!).join(', ')}`,
          );
          if (type === 'application/json')
            assert.equal(valid(media.schema, JSON.parse(body)), '', `${method} ${url}: ${body.slice(0, 500)}`);
          answered.push(`${method} ${path}`);
        }
      }
      assert.ok(
        answered.some((operation) => operation.endsWith('/infer')),
        'an inference ran',
      );
      if (model.rows) assert.ok(answered.includes('post /predict'), '/predict ran');
      if (model.profile)
        assert.ok(
          answered.some((operation) => operation.endsWith('/feedback')),
          'feedback ran',
        );
    });
  });
}

describe('the example row comes from the reference profile', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer('examples/iris');
  });
  after(() => server.shutdown('test done'));

  it('is the median of each iris feature (examples/iris/reference.csv), not zeros', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const predict = document.paths['/predict']!.post!.requestBody!.content['application/json']!.example;
    assert.deepEqual(predict, { sepal_length: 5.8, sepal_width: 3, petal_length: 4.35, petal_width: 1.3 });
    const infer = document.paths['/v2/models/iris/infer']!.post!.requestBody!.content['application/json']!.example;
    assert.deepEqual(infer, {
      inputs: [{ name: 'float_input', shape: [1, 4], datatype: 'FP32', data: [5.8, 3, 4.35, 1.3] }],
    });
  });
});
