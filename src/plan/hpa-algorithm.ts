import type { HpaSpec, ScalingRules } from './hpa-spec.js';

/**
 * One HPA sync, as kube-controller-manager computes it (pkg/controller/podautoscaler:
 * `reconcileAutoscaler` in horizontal.go, `GetResourceReplicas` in replica_calculator.go) and the
 * documentation describes it (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 * "Algorithm details" and "Configurable scaling behavior"). Pure: the controller's memory of past
 * recommendations and scale events is passed in and a new one is returned.
 */
export interface HpaMemory {
  /** Unstabilised recommendations, newest last (horizontal.go `a.recommendations`). */
  recommendations: ReadonlyArray<{ at: number; replicas: number }>;
  scaleUpEvents: ReadonlyArray<{ at: number; change: number }>;
  scaleDownEvents: ReadonlyArray<{ at: number; change: number }>;
}

export const emptyMemory: HpaMemory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };

export interface Observation {
  /** Seconds since the start of the simulation. */
  now: number;
  /** The Deployment's spec.replicas, ready or not. */
  currentReplicas: number;
  readyPods: number;
  /** Pods created but not yet ready (still starting): `unreadyPods` in replica_calculator.go. */
  unreadyPods: number;
  /** Average CPU utilisation of the ready pods, in % of request, before truncation. */
  utilization: number;
}

export interface Decision {
  desiredReplicas: number;
  /** What the metric alone asked for (before stabilisation and policies); undefined when the
   * controller did not compute it. */
  metricReplicas?: number;
  /** The utilisation the controller saw (whole %). */
  utilization?: number;
  reason: string;
  memory: HpaMemory;
}

/** Tolerance check: no change while (1 − down) ≤ ratio ≤ (1 + up), bounds included (docs:
 * "if the ratio is sufficiently close to 1.0 … the control plane skips any scaling action"). */
function withinTolerance(ratio: number, spec: HpaSpec): boolean {
  return 1 - spec.behavior.scaleDown.tolerance <= ratio && ratio <= 1 + spec.behavior.scaleUp.tolerance;
}

/**
 * desiredReplicas = ceil(currentReplicas × currentMetricValue / desiredMetricValue), computed on the
 * ready pods. Utilisation is a whole percentage (metrics/utilization.go truncates
 * `metricsTotal * 100 / requestsTotal`). Pods still starting are left out; when the ratio asks for
 * a scale-up they are counted back in at 0% usage, so the controller does not over-react while
 * earlier scale-ups are still starting, and if that flips the direction nothing happens.
 */
export function replicasForUtilization(
  observation: Observation,
  spec: HpaSpec,
): { replicas: number; utilization: number } {
  const { currentReplicas, readyPods, unreadyPods } = observation;
  // Float noise (69.99999…) must not cost a whole percent.
  const utilization = Math.floor(observation.utilization + 1e-9);
  const usageRatio = utilization / spec.targetUtilization;
  const scaleUpWithUnready = unreadyPods > 0 && usageRatio > 1;
  if (!scaleUpWithUnready) {
    if (withinTolerance(usageRatio, spec)) return { replicas: currentReplicas, utilization };
    // Same IEEE double arithmetic as Go's math.Ceil(usageRatio * float64(readyPodCount)), on purpose.
    return { replicas: Math.ceil(usageRatio * readyPods), utilization };
  }
  const newUtilization = Math.floor((observation.utilization * readyPods) / (readyPods + unreadyPods) + 1e-9);
  const newUsageRatio = newUtilization / spec.targetUtilization;
  if (withinTolerance(newUsageRatio, spec) || newUsageRatio < 1) return { replicas: currentReplicas, utilization };
  const replicas = Math.ceil(newUsageRatio * (readyPods + unreadyPods));
  return { replicas: replicas < currentReplicas ? currentReplicas : replicas, utilization };
}

/**
 * Stabilisation (`stabilizeRecommendationWithBehaviors`): the result is kept between the lowest
 * recommendation of the scale-up window and the highest of the scale-down window, so a scale-down
 * happens only when every recommendation of the last 300 s (default) asked for it. A
 * recommendation exactly one window old no longer counts (`timestamp.After(cutoff)`).
 */
export function stabilize(
  now: number,
  current: number,
  desired: number,
  spec: HpaSpec,
  memory: HpaMemory,
): { replicas: number; memory: HpaMemory } {
  const up = spec.behavior.scaleUp.stabilizationWindowSeconds;
  const down = spec.behavior.scaleDown.stabilizationWindowSeconds;
  let upRecommendation = desired;
  let downRecommendation = desired;
  for (const rec of memory.recommendations) {
    if (rec.at > now - up) upRecommendation = Math.min(rec.replicas, upRecommendation);
    if (rec.at > now - down) downRecommendation = Math.max(rec.replicas, downRecommendation);
  }
  let replicas = current;
  if (replicas < upRecommendation) replicas = upRecommendation;
  if (replicas > downRecommendation) replicas = downRecommendation;
  // Entries older than both windows can never matter again; dropping them is what the controller's
  // reuse of old slots achieves.
  const keep = memory.recommendations.filter((rec) => rec.at > now - Math.max(up, down));
  return { replicas, memory: { ...memory, recommendations: [...keep, { at: now, replicas: desired }] } };
}

function changeInPeriod(now: number, periodSeconds: number, events: HpaMemory['scaleUpEvents']): number {
  let sum = 0;
  for (const event of events) if (event.at > now - periodSeconds) sum += event.change;
  return sum;
}

/** `calculateScaleUpLimitWithScalingRules`: the most replicas the policies allow now, measured
 * from the replica count at the start of each policy's period. Percent rounds up so a small
 * deployment can always grow. */
export function scaleUpLimit(now: number, current: number, rules: ScalingRules, memory: HpaMemory): number {
  if (rules.selectPolicy === 'Disabled') return current;
  let result = rules.selectPolicy === 'Min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const policy of rules.policies) {
    const start =
      current -
      changeInPeriod(now, policy.periodSeconds, memory.scaleUpEvents) +
      changeInPeriod(now, policy.periodSeconds, memory.scaleDownEvents);
    const proposed = policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
    result = rules.selectPolicy === 'Min' ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** `calculateScaleDownLimitWithBehaviors`: the fewest replicas the policies allow now. Percent
 * truncates (int32 conversion), so it never removes more than the percentage. */
export function scaleDownLimit(now: number, current: number, rules: ScalingRules, memory: HpaMemory): number {
  if (rules.selectPolicy === 'Disabled') return current;
  let result = rules.selectPolicy === 'Min' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const policy of rules.policies) {
    const start =
      current -
      changeInPeriod(now, policy.periodSeconds, memory.scaleUpEvents) +
      changeInPeriod(now, policy.periodSeconds, memory.scaleDownEvents);
    const proposed = policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
    result = rules.selectPolicy === 'Min' ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** `convertDesiredReplicasWithBehaviorRate`: clamp to the policies' limits and to min/max. */
export function limitRate(
  now: number,
  current: number,
  desired: number,
  spec: HpaSpec,
  memory: HpaMemory,
): { replicas: number; reason: string } {
  if (desired > current) {
    const limit = Math.max(current, scaleUpLimit(now, current, spec.behavior.scaleUp, memory));
    const allowed = Math.min(spec.maxReplicas, limit);
    if (desired > allowed)
      return { replicas: allowed, reason: allowed === spec.maxReplicas ? 'TooManyReplicas' : 'ScaleUpLimit' };
  } else if (desired < current) {
    const limit = Math.min(current, scaleDownLimit(now, current, spec.behavior.scaleDown, memory));
    const allowed = Math.max(spec.minReplicas, limit);
    if (desired < allowed)
      return { replicas: allowed, reason: allowed === spec.minReplicas ? 'TooFewReplicas' : 'ScaleDownLimit' };
  }
  return { replicas: desired, reason: 'DesiredWithinRange' };
}

/** `storeScaleEvent`: events older than the longest policy period are dropped (the controller
 * marks them outdated and reuses their slots). */
function recordScale(now: number, from: number, to: number, spec: HpaSpec, memory: HpaMemory): HpaMemory {
  const longest = (rules: ScalingRules) => Math.max(0, ...rules.policies.map((p) => p.periodSeconds));
  if (to > from) {
    const keep = memory.scaleUpEvents.filter((e) => e.at >= now - longest(spec.behavior.scaleUp));
    return { ...memory, scaleUpEvents: [...keep, { at: now, change: to - from }] };
  }
  const keep = memory.scaleDownEvents.filter((e) => e.at >= now - longest(spec.behavior.scaleDown));
  return { ...memory, scaleDownEvents: [...keep, { at: now, change: from - to }] };
}

/** `reconcileAutoscaler` for one HPA with one CPU Resource metric. */
export function reconcile(observation: Observation, spec: HpaSpec, memory: HpaMemory): Decision {
  const { now, currentReplicas: current } = observation;
  let decision: Decision;
  if (current > spec.maxReplicas) {
    decision = {
      desiredReplicas: spec.maxReplicas,
      reason: 'Current number of replicas above Spec.MaxReplicas',
      memory,
    };
  } else if (current < spec.minReplicas) {
    decision = {
      desiredReplicas: spec.minReplicas,
      reason: 'Current number of replicas below Spec.MinReplicas',
      memory,
    };
  } else if (observation.readyPods === 0) {
    // "did not receive metrics for targeted pods (pods might be unready)": no scaling this sync.
    return { desiredReplicas: current, reason: 'FailedGetResourceMetric', memory };
  } else {
    const metric = replicasForUtilization(observation, spec);
    const stabilized = stabilize(now, current, metric.replicas, spec, memory);
    const limited = limitRate(now, current, stabilized.replicas, spec, stabilized.memory);
    const reason =
      limited.reason !== 'DesiredWithinRange'
        ? limited.reason
        : stabilized.replicas !== metric.replicas
          ? metric.replicas > current
            ? 'ScaleUpStabilized'
            : 'ScaleDownStabilized'
          : limited.replicas > current
            ? 'cpu resource utilization (percentage of request) above target'
            : limited.replicas < current
              ? 'All metrics below target'
              : 'ReadyForNewScale';
    decision = {
      desiredReplicas: limited.replicas,
      metricReplicas: metric.replicas,
      utilization: metric.utilization,
      reason,
      memory: stabilized.memory,
    };
  }
  if (decision.desiredReplicas !== current)
    decision.memory = recordScale(now, current, decision.desiredReplicas, spec, decision.memory);
  return decision;
}
