import type { Settings } from '../core/config.js';
import type { InferenceRequest, InferenceResponse, ShadowObserver } from '../core/inference.js';
import { checkReply } from '../pipeline/reply-limit.js';
import type { ModelRuntime } from '../runtime/runtime.js';
import type { ServedModel } from './model-set.js';
import { responsesAgree } from './traffic.js';

/**
 * A runtime that answers with `primary` and, once it has answered, sends a copy of the request to
 * the model's shadow version (berth.yaml `traffic.<model>.shadow`), compares the two answers and
 * reports the comparison. The copy never delays, changes or fails the primary's answer; the
 * shadow is looked up at each call, so a shadow version that is loading or gone is skipped.
 */
export function shadowed(
  primary: ModelRuntime,
  model: ServedModel,
  primaryVersion: string,
  report: ShadowObserver,
  timeoutMs: number,
  limits: Settings['limits'],
): ModelRuntime {
  const compare = (request: InferenceRequest, answer: InferenceResponse) => {
    const shadowVersion = model.traffic?.shadow?.version;
    const shadow = shadowVersion === undefined ? undefined : model.versions.get(shadowVersion);
    if (!shadow?.metadata || shadow.state !== 'ready' || shadowVersion === primaryVersion) return;
    const copy: InferenceRequest = {
      inputs: request.inputs,
      outputs: request.outputs,
      deadline: Date.now() + timeoutMs,
      origin: 'shadow',
    };
    const step = request.trace?.step('shadow comparison', { 'berth.shadow.version': shadowVersion! });
    // The shadow's reply is held to the reply limit like any (pipeline/reply-limit.ts): one past it fails the comparison.
    shadow.runtime
      .infer(copy)
      .then((response) => checkReply(response, limits))
      .then(
        (response) => {
          const agreed = responsesAgree(answer, response, shadow.metadata!);
          step?.set({ 'berth.shadow.agreed': agreed });
          step?.end();
          model.stats.shadowCompared++;
          if (!agreed) model.stats.shadowDisagreed++;
          report({
            model: model.name,
            version: primaryVersion,
            shadowVersion: shadowVersion!,
            requestId: request.requestId,
            agreed,
          });
        },
        (error: unknown) => {
          step?.end(error);
          model.stats.shadowFailed++;
          report({
            model: model.name,
            version: primaryVersion,
            shadowVersion: shadowVersion!,
            requestId: request.requestId,
            error,
          });
        },
      );
  };
  return {
    load: () => primary.load(),
    metadata: () => primary.metadata(),
    unload: () => primary.unload(),
    async infer(request) {
      const answer = await primary.infer(request);
      compare(request, answer);
      return answer;
    },
  };
}
