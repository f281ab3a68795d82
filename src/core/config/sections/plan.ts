import { duration, integer, number, section } from '../field.js';
import { sloP99Ms } from './monitoring.js';

/**
 * `berth plan` (HPA simulation, cost, recommendation) and `berth bench` (load test, capacity
 * search). The HPA simulated is deploy.autoscaling's, the one `berth manifests` writes.
 */
export const plan = section(
  '`berth plan` and `berth bench`. The HPA `berth plan` simulates is deploy.autoscaling, the one `berth manifests` writes.',
  {
    sloP99Ms: duration(undefined, 'ms', {
      doc: 'latency objective the capacity is read at',
      flag: '--slo-p99',
      above: 0,
      defaultText: "the bench result's",
    }),
    /**
     * The default price catalogue: the deployment tutorial's cost table ("Source: AWS Pricing Calculator, June
     * 2026"), 720 hours a month. `berth plan --prices prices.yaml` replaces any part of it.
     */
    prices: {
      currency: 'USD',
      source: 'the deployment tutorial (AWS Pricing Calculator, June 2026)',
      hoursPerMonth: 720,
      /** US$0.10 per pod-hour on EKS; `cpu` is the vCPU one pod gets (the deployment tutorial's limit, 500m). */
      pod: { hourly: 0.1, cpu: 0.5 },
      controlPlane: { name: 'EKS control plane', monthly: 72 },
      vm: { name: 't3.medium', monthly: 150, vcpu: 2 },
      /** US$/month: the single VM's disk, the cluster's image registry. */
      storage: { vm: 10, cluster: 30 },
    },
    /** Kubernetes HPA (autoscaling/v2) controller defaults, from kube-controller-manager and the
     * API's defaulting (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/). */
    hpa: section('The HPA controller as simulated.', {
      /** Schedule, start, load the model, pass the readiness probe. */
      startupSeconds: duration(30, 's', {
        doc: 'time from a scale-up until a new pod takes traffic',
        flag: '--startup',
      }),
      /** --horizontal-pod-autoscaler-tolerance */
      tolerance: 0.1,
      /** --horizontal-pod-autoscaler-sync-period */
      syncPeriodSeconds: 15,
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max' as 'Max' | 'Min' | 'Disabled',
        policies: [
          { type: 'Percent' as 'Pods' | 'Percent', value: 100, periodSeconds: 15 },
          { type: 'Pods' as 'Pods' | 'Percent', value: 4, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        /** --horizontal-pod-autoscaler-downscale-stabilization */
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max' as 'Max' | 'Min' | 'Disabled',
        policies: [{ type: 'Percent' as 'Pods' | 'Percent', value: 100, periodSeconds: 15 }],
      },
      /** CPU utilisation a saturated pod reports (% of its request): per-pod capacity = 100%. */
      maxUtilization: 100,
    }),
    simulation: section('The simulation.', {
      /** 1 s steps: start-up delays and 15 s syncs land on exact seconds. */
      stepSeconds: integer(1, {
        doc: 'simulation step: 1, 3, 5 or 15 s (it must divide the 15 s HPA sync period)',
        flag: '--step',
        min: 1,
      }),
      durationSeconds: duration(undefined, 's', {
        doc: 'length to simulate',
        flag: '--duration',
        above: 0,
        defaultText: "the traffic pattern's period or file, else a day",
      }),
      /** Length simulated for patterns without a natural end (a day). */
      fallbackDurationSeconds: 86_400,
      /** Points per series in plan.svg (one a minute over a day). */
      chartPoints: 1440,
    }),
    recommend: section('The recommended HPA.', {
      /** Target utilisations tried, in %. */
      targets: [40, 50, 60, 70, 80, 90],
      /** Two pods at least, so one can be drained or lost without an outage (and a PDB can hold). */
      minReplicasFloor: 2,
      allowedMinutesAtRisk: integer(0, {
        doc: 'minutes at risk the recommendation may accept',
        flag: '--max-risk-minutes',
      }),
    }),
    bench: section('`berth bench`: the load test and the capacity search.', {
      path: '/predict',
      connections: integer(16, { doc: 'concurrent connections', flag: '--connections', short: '-c', min: 1 }),
      durationSeconds: duration(10, 's', { doc: 'length of the run', flag: '--duration', short: '-d', above: 0 }),
      rate: number(undefined, {
        doc: 'offered requests/s (fixed rate, open loop); unset: fixed concurrency',
        flag: '--rate',
        short: '-r',
        placeholder: 'rps',
        min: 1,
      }),
      timeoutSeconds: duration(10, 's', { doc: 'per-request timeout', flag: '--timeout', above: 0 }),
      /** Fixed-rate runs are split into this many staggered autocannon instances so the per-second
       * bursts of its rate limiter are spread over the second (see docs/plan.md). */
      rateSlices: 10,
      serverReadyTimeoutMs: 60_000,
      capacity: section('--find-capacity: the highest rate that keeps p99 within the SLO with no errors.', {
        sloP99Ms: duration(sloP99Ms, 'ms', {
          doc: 'latency objective of the capacity search',
          flag: '--slo-p99',
          above: 0,
        }),
        /** Closed-loop probe that finds the ceiling the search starts under. */
        probeSeconds: 3,
        stepSeconds: duration(5, 's', {
          doc: 'length of each capacity-search step',
          flag: '--step-duration',
          above: 0,
        }),
        /** The answer is within ceiling / 2^iterations. */
        iterations: integer(7, { doc: 'binary-search steps of the capacity search', flag: '--iterations', min: 1 }),
        /** A step fails when fewer than this share of the offered requests completed. */
        minAchievedRatio: 0.95,
        maxConnections: 512,
      }),
    }),
  },
);
