import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { errors } from '../core/errors.js';
import type { ModelConfig } from '../core/config.js';
import type { ModelMetadata } from '../runtime/runtime.js';
import { namedFeaturesSchema } from './schemas.js';

/**
 * Validates named-feature bodies with the JSON Schema that /openapi.json publishes, turning ajv's
 * findings into the error catalogue's wording. Compiled once per model version.
 */
const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new WeakMap<ModelMetadata, ValidateFunction | null>();

export function validateNamedFeatures(body: Record<string, unknown>, model: ModelMetadata, config: ModelConfig): void {
  let validate = compiled.get(model);
  if (validate === undefined) {
    const schema = namedFeaturesSchema(model, config);
    validate = schema ? ajv.compile(schema) : null;
    compiled.set(model, validate);
  }
  if (validate === null || validate(body)) return;
  throw toBerthError(validate.errors![0]!, body, Object.keys((namedFeaturesSchema(model, config)!.properties as object)));
}

function toBerthError(error: ErrorObject, body: Record<string, unknown>, features: string[]) {
  const params = error.params as Record<string, string>;
  if (error.keyword === 'required') {
    // ajv checks `required` first; a misspelt name is both missing and unknown, and the unknown
    // spelling is what the caller needs to see.
    const unknown = Object.keys(body).find((key) => !features.includes(key));
    return unknown === undefined ? errors.missingFeature(params.missingProperty!) : errors.unknownFeature(unknown, features);
  }
  if (error.keyword === 'additionalProperties') return errors.unknownFeature(params.additionalProperty!, features);
  const feature = error.instancePath.replace(/^\//, '').replace(/~1/g, '/').replace(/~0/g, '~');
  const got = body[feature];
  const shown = got === null ? 'null' : typeof got === 'string' ? JSON.stringify(got) : Array.isArray(got) ? 'an array' : typeof got === 'object' ? 'an object' : String(got);
  return errors.badField(`feature \`${feature}\``, `${error.keyword === 'type' ? `a ${params.type}` : error.message}, got ${shown}`);
}
