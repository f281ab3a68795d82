import { readFileSync } from 'node:fs';
import type { Dialect, ModelName, System } from './systems.js';

/**
 * The rows every system is sent, in each system's own dialect, and how its answer is read back.
 * Load uses the first row; before any load, each system must classify all of them as expected.
 */
const irisFeatures = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const irisRows = [
  [5.1, 3.5, 1.4, 0.2],
  [7.0, 3.2, 4.7, 1.4],
  [6.3, 3.3, 6.0, 2.5],
  [4.9, 3.0, 1.4, 0.2],
  [5.9, 3.0, 5.1, 1.8],
  [5.5, 2.4, 3.8, 1.1],
];
const irisClasses = [0, 1, 2, 0, 2, 1];
const irisLabels = ['setosa', 'versicolor', 'virginica'];

interface Cases {
  inputs: { float_input: { shape: [number, number]; data: number[] } };
  expected: { label: { data: number[] } };
}

function forestCases(): { rows: number[][]; classes: number[] } {
  const cases = JSON.parse(readFileSync('test/fixtures/models/bench-forest/cases.json', 'utf8')) as Cases;
  const [count, width] = cases.inputs.float_input.shape;
  const rows = Array.from({ length: count }, (_, index) =>
    cases.inputs.float_input.data.slice(index * width, (index + 1) * width),
  );
  return { rows, classes: cases.expected.label.data };
}

export function testRows(model: ModelName): { rows: number[][]; classes: number[] } {
  return model === 'iris' ? { rows: irisRows, classes: irisClasses } : forestCases();
}

export function requestBody(dialect: Dialect, row: number[], v2Input = 'float_input'): string {
  if (dialect === 'named')
    return JSON.stringify(Object.fromEntries(irisFeatures.map((name, index) => [name, row[index]])));
  if (dialect === 'rows') return JSON.stringify({ input: [row] });
  return JSON.stringify({ inputs: [{ name: v2Input, shape: [1, row.length], datatype: 'FP32', data: row }] });
}

/** The class in any system's answer: `{"prediction"}`, `{"predictions": […]}`, a bare array, or OIP v2 outputs. */
export function classOf(answer: unknown): number | undefined {
  let value = answer;
  for (let depth = 0; depth < 8; depth++) {
    if (Array.isArray(value)) value = value[0];
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if ('prediction' in record) value = record.prediction;
      else if ('predictions' in record) value = record.predictions;
      else if (Array.isArray(record.outputs)) {
        const outputs = record.outputs as Array<{ name?: string; data?: unknown }>;
        value = (
          outputs.find((output) => ['output_label', 'label', 'predict'].includes(output.name ?? '')) ?? outputs[0]
        )?.data;
      } else return undefined;
    } else break;
  }
  if (typeof value === 'string') return irisLabels.includes(value) ? irisLabels.indexOf(value) : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** Sends every test row; returns the classes answered (undefined where an answer was not a class). */
export async function answers(system: System, model: ModelName, url: string): Promise<Array<number | undefined>> {
  const out: Array<number | undefined> = [];
  for (const row of testRows(model).rows) {
    const response = await fetch(`${url}${system.path(model)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: requestBody(system.dialect(model), row, system.v2Input?.(model)),
      signal: AbortSignal.timeout(30_000),
    });
    out.push(response.ok ? classOf(await response.json()) : undefined);
  }
  return out;
}
