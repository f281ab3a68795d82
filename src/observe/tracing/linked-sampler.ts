import { TraceFlags, trace, type Attributes, type Context, type Link, type SpanKind } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

/**
 * A batch span starts a trace of its own, linked to each request it carried. A ratio sampler
 * would keep it for 1% of batches whatever their requests, so a sampled request would link to a
 * batch that was never recorded: a new trace with a sampled link is sampled; anything else is
 * decided by `inner`.
 */
export function linkedSampler(inner: Sampler): Sampler {
  return {
    shouldSample(
      context: Context,
      traceId: string,
      name: string,
      kind: SpanKind,
      attributes: Attributes,
      links: Link[],
    ): SamplingResult {
      if (
        links.length > 0 &&
        trace.getSpanContext(context) === undefined &&
        links.some((link) => (link.context.traceFlags & TraceFlags.SAMPLED) !== 0)
      ) {
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      }
      return inner.shouldSample(context, traceId, name, kind, attributes, links);
    },
    toString: () => `LinkedSampler{${inner.toString()}}`,
  };
}
