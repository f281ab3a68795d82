import type { V1EndpointSlice } from '@kubernetes/client-node';

/**
 * Which pods the Service sends traffic to: the ready endpoints of its EndpointSlices, by pod
 * (https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions). A pod
 * being deleted is `ready: false` there (`serving`/`terminating` say it still drains). Pure.
 */
export interface EndpointReadiness {
  /** Ready endpoints that are pods of the new revision. */
  newReady: number;
  /** Ready endpoints that are not: old pods still in rotation. */
  otherReady: number;
}

export function endpointReadiness(slices: readonly V1EndpointSlice[], newPods: ReadonlySet<string>): EndpointReadiness {
  const ready = new Set<string>();
  for (const slice of slices) {
    for (const endpoint of slice.endpoints ?? []) {
      // A dual-stack Service lists a pod once per address family: count pods, not addresses.
      if (endpoint.conditions?.ready === true) ready.add(endpoint.targetRef?.name ?? endpoint.addresses.join(','));
    }
  }
  const newReady = [...ready].filter((name) => newPods.has(name)).length;
  return { newReady, otherReady: ready.size - newReady };
}
