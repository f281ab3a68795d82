import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeEnough,
  fixtureNames,
  fixturesDir,
  loadCase,
  post,
  startTestServer,
  type FixtureCase,
} from '../helpers/server.js';
import type { RunningServer } from '../../src/serve/start-server.js';

/**
 * Every fixture model, served by Berth, must answer what the ORIGINAL framework (sklearn, PyTorch,
 * XGBoost) answered, within the tolerance recorded by scripts/fixtures/make_fixtures.py — through
 * every dialect the model's shape allows.
 */
const servable = fixtureNames().filter((name) => Object.keys(loadCase(name).expected).length > 0);

function nest(data: unknown[], shape: number[]): unknown[] {
  if (shape.length <= 1) return data;
  const width = data.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, row) =>
    nest(data.slice(row * width, (row + 1) * width), shape.slice(1)),
  );
}

function v2Body(fixture: FixtureCase, nested = false, rows?: [number, number]) {
  return {
    inputs: Object.entries(fixture.inputs).map(([name, input]) => {
      const width = input.data.length / input.shape[0]!;
      const [from, to] = rows ?? [0, input.shape[0]!];
      const data = input.data.slice(from * width, to * width);
      const shape = [to - from, ...input.shape.slice(1)];
      return { name, datatype: input.datatype, shape, data: nested ? nest(data, shape) : data };
    }),
  };
}

/** Rows as objects keyed by input name (column models) or as arrays (tabular models). */
function rowsOf(fixture: FixtureCase): unknown[] {
  const inputs = Object.entries(fixture.inputs);
  const count = inputs[0]![1].shape[0]!;
  if (inputs.length === 1) {
    const [, input] = inputs[0]!;
    const width = input.data.length / count;
    return Array.from({ length: count }, (_, row) => input.data.slice(row * width, (row + 1) * width));
  }
  return Array.from({ length: count }, (_, row) =>
    Object.fromEntries(inputs.map(([name, input]) => [name, input.data[row]])),
  );
}

for (const name of servable) {
  const fixture = loadCase(name);
  const rank2 = Object.values(fixture.inputs).every((input) => input.shape.length === 2);
  const rowDialects =
    rank2 &&
    (Object.keys(fixture.inputs).length === 1 || Object.values(fixture.inputs).every((input) => input.shape[1] === 1));

  describe(`fixture ${name} (${fixture.framework})`, () => {
    let server: RunningServer;
    before(async () => {
      server = await startTestServer(`${fixturesDir}/${name}`, {}, { name });
    });
    after(async () => server.shutdown('test done'));

    const checkOutputs = (outputs: Array<{ name: string; data: unknown[]; shape: number[] }>) => {
      for (const [outputName, expected] of Object.entries(fixture.expected)) {
        const actual = outputs.find((output) => output.name === outputName);
        assert.ok(actual, `output ${outputName} missing; got ${outputs.map((output) => output.name).join(', ')}`);
        assert.deepEqual(actual.shape, expected.shape, `shape of ${outputName}`);
        const bad = closeEnough(actual.data, expected.data, fixture.tolerance);
        assert.equal(
          bad,
          -1,
          `${outputName}[${bad}] = ${actual.data[bad]} but ${fixture.framework} says ${expected.data[bad]}`,
        );
      }
    };

    it('OIP v2 infer with flat data matches the framework', async () => {
      const response = await post(server, `/v2/models/${name}/infer`, { id: 'case-1', ...v2Body(fixture) });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.id, 'case-1');
      assert.equal(response.body.model_name, name);
      checkOutputs(response.body.outputs);
    });

    it('OIP v2 infer with nested data and the version route matches too', async () => {
      const response = await post(server, `/v2/models/${name}/versions/1/infer`, v2Body(fixture, true));
      assert.equal(response.status, 200, JSON.stringify(response.body));
      checkOutputs(response.body.outputs);
    });

    it('returns only the outputs asked for', async () => {
      const wanted = Object.keys(fixture.expected)[0]!;
      const response = await post(server, `/v2/models/${name}/infer`, {
        ...v2Body(fixture),
        outputs: [{ name: wanted }],
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.deepEqual(
        response.body.outputs.map((output: { name: string }) => output.name),
        [wanted],
      );
    });

    it('answers concurrent one-row requests bit-identically to one batched request', async () => {
      const rows = Object.values(fixture.inputs)[0]!.shape[0]!;
      const whole = await post(server, `/v2/models/${name}/infer`, v2Body(fixture));
      const single = await Promise.all(
        Array.from({ length: rows }, (_, row) =>
          post(server, `/v2/models/${name}/infer`, v2Body(fixture, false, [row, row + 1])),
        ),
      );
      for (const [index, output] of whole.body.outputs.entries()) {
        const pieces = single.flatMap((response) => response.body.outputs[index].data);
        assert.deepEqual(pieces, output.data, `output ${output.name}`);
      }
    });

    if (rowDialects) {
      it('seed /predict {"instances"} and KServe v1 :predict agree with the framework', async () => {
        const labelOutput =
          Object.keys(fixture.expected).find((key) => /label/.test(key)) ?? Object.keys(fixture.expected)[0]!;
        const expected = fixture.expected[labelOutput]!;
        const width = expected.data.length / expected.shape[0]!;
        const expectedRows = width === 1 ? expected.data : nest(expected.data, expected.shape);
        const seed = await post(server, `/models/${name}/predict`, { instances: rowsOf(fixture) });
        assert.equal(seed.status, 200, JSON.stringify(seed.body));
        const v1 = await post(server, `/v1/models/${name}:predict`, { instances: rowsOf(fixture) });
        assert.equal(v1.status, 200, JSON.stringify(v1.body));
        for (const predictions of [seed.body.predictions, v1.body.predictions]) {
          const flat = (predictions as unknown[]).flat(3);
          assert.equal(
            closeEnough(flat, (expectedRows as unknown[]).flat(3), fixture.tolerance),
            -1,
            `${JSON.stringify(predictions)} vs ${JSON.stringify(expectedRows)}`,
          );
        }
        const probabilityOutput = Object.keys(fixture.expected).find((key) => /prob/.test(key));
        if (probabilityOutput) {
          const probabilities = seed.body.probabilities.flatMap((row: Record<string, number>) => Object.values(row));
          assert.equal(
            closeEnough(probabilities, fixture.expected[probabilityOutput]!.data, { abs: 1e-5, rel: 1e-4 }),
            -1,
          );
        }
      });
    }
  });
}

describe('models Berth must refuse', () => {
  it('names the non-tensor output that onnxruntime-node cannot return', async () => {
    await assert.rejects(startTestServer(`${fixturesDir}/bad-sequence-output`), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'BERTH_UNSUPPORTED_OUTPUT');
      assert.match(error.message, /output `\w+` is a sequence/);
      return true;
    });
  });
});
