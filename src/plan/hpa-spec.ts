import { defaults } from '../core/defaults.js';

/**
 * The parts of a HorizontalPodAutoscaler (autoscaling/v2) the simulator needs, shaped like the
 * API object (`spec.behavior.scaleUp/scaleDown`) so a reader can map one onto the other.
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior
 */
export interface ScalingPolicy {
  /** `Pods`: add/remove at most `value` pods per period; `Percent`: at most `value`% of the
   * replicas at the start of the period. */
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  /** `Max` picks the policy allowing the biggest change, `Min` the smallest; `Disabled` stops
   * scaling in this direction. */
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: readonly ScalingPolicy[];
  /** Kubernetes ≥ 1.33 (KEP-4951) allows a tolerance per direction; the cluster default is 0.1. */
  tolerance: number;
}

export interface HpaSpec {
  minReplicas: number;
  maxReplicas: number;
  /** `metrics[0].resource.target.averageUtilization` for `cpu`, in %. */
  targetUtilization: number;
  behavior: { scaleUp: ScalingRules; scaleDown: ScalingRules };
}

export interface HpaSpecOverrides {
  minReplicas?: number;
  maxReplicas?: number;
  targetUtilization?: number;
  tolerance?: number;
  scaleUp?: Partial<ScalingRules>;
  scaleDown?: Partial<ScalingRules>;
}

/** An HPA as the API server would default it (`SetDefaults_HorizontalPodAutoscalerBehavior`),
 * with the given fields replaced. */
export function hpaSpec(overrides: HpaSpecOverrides = {}): HpaSpec {
  const d = defaults.plan.hpa;
  // The HPA `berth manifests` writes, so that the plan prices what would be deployed.
  const autoscaling = defaults.deploy.autoscaling;
  const tolerance = overrides.tolerance ?? d.tolerance;
  return {
    minReplicas: overrides.minReplicas ?? autoscaling.minReplicas,
    maxReplicas: overrides.maxReplicas ?? autoscaling.maxReplicas,
    targetUtilization: overrides.targetUtilization ?? autoscaling.targetCPUUtilization,
    behavior: {
      scaleUp: { ...d.scaleUp, policies: d.scaleUp.policies.map((p) => ({ ...p })), tolerance, ...overrides.scaleUp },
      scaleDown: {
        ...d.scaleDown,
        policies: d.scaleDown.policies.map((p) => ({ ...p })),
        tolerance,
        ...overrides.scaleDown,
      },
    },
  };
}

/** The same settings as an autoscaling/v2 manifest fragment, for reports. */
export function describeHpa(spec: HpaSpec): string {
  return `${spec.minReplicas}–${spec.maxReplicas} pods at ${spec.targetUtilization}% CPU`;
}
