import type { Settings } from '../core/config.js';
import { errors } from '../core/errors.js';
import type { InferenceResponse } from '../core/inference.js';

/**
 * The reply is bounded like the request: at most `maxValues` values (outputs are named once each,
 * so this holds for every model whose outputs grow with its rows). Checked on every reply of a
 * served version by the data plane, and on a shadow's by the shadow comparison.
 */
export function checkReply(response: InferenceResponse, limits: Settings['limits']): InferenceResponse {
  let values = 0;
  for (const output of response.outputs) values += output.data.length;
  if (values > limits.maxValues) throw errors.replyTooLarge(values, limits.maxValues);
  return response;
}
