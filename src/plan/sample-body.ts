import { errors } from '../core/errors.js';

/**
 * A sample request body built from a model's metadata (OIP v2 §"Model Metadata":
 * GET /v2/models/{name}), so `berth bench URL` works without writing a request by hand. Values are
 * zeros: the point is the cost of a call, and a model's cost rarely depends on the values
 * (trees and linear models do the same work for any input).
 */
export interface MetadataDocument {
  name: string;
  inputs: Array<{ name: string; datatype: string; shape: number[] }>;
  parameters?: Record<string, unknown>;
}

/** The model a route names: /v2/models/{m}/…, /models/{m}/predict, /v1/models/{m}:predict. */
export function modelFromRoute(path: string): string | undefined {
  const match =
    path.match(/^\/v2\/models\/([^/]+)/) ??
    path.match(/^\/models\/([^/]+)\/predict/) ??
    path.match(/^\/v1\/models\/([^/:]+)/);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** One row's shape: -1 (any size) becomes 1, the batch dimension included. */
function concreteShape(shape: number[]): number[] {
  return shape.length === 0 ? [1] : shape.map((dim) => (dim < 0 ? 1 : dim));
}

function zeros(datatype: string, count: number): unknown[] {
  const value = datatype === 'BOOL' ? false : datatype === 'BYTES' ? '' : 0;
  return new Array(count).fill(value);
}

/** Feature names when the server or berth.yaml states them (comma-separated or a list). */
export function featureNames(metadata: MetadataDocument, fromConfig?: string[]): string[] | undefined {
  const stated = metadata.parameters?.features;
  if (Array.isArray(stated) && stated.every((name) => typeof name === 'string')) return stated as string[];
  if (typeof stated === 'string' && stated.trim() !== '') return stated.split(',').map((name) => name.trim());
  return fromConfig && fromConfig.length > 0 ? fromConfig : undefined;
}

function rowWidth(metadata: MetadataDocument): number {
  if (metadata.inputs.length !== 1)
    throw errors.benchNeedsBody(
      `model \`${metadata.name}\` has ${metadata.inputs.length} inputs and no feature names, so a /predict row cannot be guessed`,
    );
  const shape = metadata.inputs[0]!.shape;
  const width = shape.length >= 2 ? shape.at(-1)! : 1;
  if (width < 0) throw errors.benchNeedsBody(`model \`${metadata.name}\` takes rows of any width`);
  return width;
}

export function sampleBody(path: string, metadata: MetadataDocument, configFeatures?: string[]): unknown {
  if (/^\/v2\/models\/[^/]+(\/versions\/[^/]+)?\/infer$/.test(path)) {
    return {
      inputs: metadata.inputs.map((input) => {
        const shape = concreteShape(input.shape);
        return {
          name: input.name,
          shape,
          datatype: input.datatype,
          data: zeros(
            input.datatype,
            shape.reduce((a, b) => a * b, 1),
          ),
        };
      }),
    };
  }
  const names = featureNames(metadata, configFeatures);
  const row = names
    ? Object.fromEntries(names.map((name) => [name, 0]))
    : zeros(metadata.inputs[0]?.datatype ?? 'FP32', rowWidth(metadata));
  if (/^\/v1\/models\/[^/]+:predict$/.test(path)) return { instances: [row] };
  if (path === '/predict' || /^\/models\/[^/]+\/predict$/.test(path)) return names ? row : { features: row };
  throw errors.benchNeedsBody(`no sample request is known for route ${path}`);
}
