import type { Settings } from '../core/config.js';
import { errors } from '../core/errors.js';
import type { InferenceResponse } from '../core/inference.js';
import type { ModelRuntime } from '../runtime/runtime.js';

/**
 * The reply is bounded like the request: at most `maxValues` values (outputs are named once each,
 * so this holds for every model whose outputs grow with its rows). A runtime around a runtime.
 */
export function limitReplies(inner: ModelRuntime, limits: Settings['limits']): ModelRuntime {
  return {
    load: () => inner.load(),
    metadata: () => inner.metadata(),
    unload: () => inner.unload(),
    infer: async (request) => checkReply(await inner.infer(request), limits),
  };
}

export function checkReply(response: InferenceResponse, limits: Settings['limits']): InferenceResponse {
  let values = 0;
  for (const output of response.outputs) values += output.data.length;
  if (values > limits.maxValues) throw errors.replyTooLarge(values, limits.maxValues);
  return response;
}
