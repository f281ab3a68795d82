import { defaults } from '../core/defaults.js';
import { emptyMemory, reconcile, type HpaMemory } from './hpa-algorithm.js';
import type { HpaSpec } from './hpa-spec.js';

/**
 * A time-stepped simulation of a Deployment under a CPU-utilisation HPA (autoscaling/v2).
 *
 * The load model (documented in docs/plan.md):
 * - one pod serves up to `capacityPerPod` requests/s within the latency SLO (what
 *   `berth bench --find-capacity` measures) and is then at `maxUtilization` (100%) of its CPU
 *   request; below that, CPU utilisation is proportional to the load per ready pod;
 * - offered load is spread evenly over the ready pods (a Service's load balancing); pods still
 *   starting take no traffic and report no usable metric;
 * - load above ready × capacity is not served within the SLO: that time is "SLO at risk".
 *
 * The controller runs every `syncPeriodSeconds` (kube-controller-manager
 * --horizontal-pod-autoscaler-sync-period, 15 s) and sees the utilisation of that instant:
 * metrics-server's own resolution and scrape delay are not modelled (fold them into
 * `startupSeconds` to be pessimistic). Deterministic: same input, same timeline.
 */
export interface SimulationInput {
  /** Offered requests/s at second `t`. */
  traffic: (t: number) => number;
  durationSeconds: number;
  capacityPerPod: number;
  hpa: HpaSpec;
  startupSeconds?: number;
  syncPeriodSeconds?: number;
  stepSeconds?: number;
  maxUtilization?: number;
  /** Replicas (all ready) at t = 0; default: what the HPA would settle at for the load at t = 0. */
  initialReplicas?: number;
}

export interface ScaleRecord {
  at: number;
  from: number;
  to: number;
  utilization?: number;
  reason: string;
}

export interface SimulationSummary {
  durationSeconds: number;
  podHours: number;
  averageReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  peakOffered: number;
  /** Seconds in which offered load exceeded the ready pods' capacity. */
  secondsAtRisk: number;
  /** Clock minutes containing at least one such second. */
  minutesAtRisk: number;
  /** Requests offered beyond capacity (not served within the SLO). */
  requestsAtRisk: number;
  offeredRequests: number;
  scaleUps: number;
  scaleDowns: number;
}

export interface SimulationResult {
  stepSeconds: number;
  /** One entry per step, at t = index × stepSeconds. */
  offered: Float64Array;
  replicas: Int32Array;
  ready: Int32Array;
  atRisk: Uint8Array;
  events: ScaleRecord[];
  summary: SimulationSummary;
}

/** Replicas a steady load settles at: the HPA's fixed point ceil(load / (capacity × target)). */
export function steadyReplicas(load: number, capacityPerPod: number, hpa: HpaSpec): number {
  const wanted = Math.ceil(load / (capacityPerPod * (hpa.targetUtilization / 100)) - 1e-9);
  return Math.min(hpa.maxReplicas, Math.max(hpa.minReplicas, wanted, 1));
}

/** Index of the first pod not ready at `t` (pods are kept sorted by the time they become ready). */
function countReady(readyAt: number[], t: number): number {
  let lo = 0;
  let hi = readyAt.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (readyAt[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function simulateHpa(input: SimulationInput): SimulationResult {
  const d = defaults.plan;
  const step = input.stepSeconds ?? d.simulation.stepSeconds;
  const sync = input.syncPeriodSeconds ?? d.hpa.syncPeriodSeconds;
  const startup = input.startupSeconds ?? d.hpa.startupSeconds;
  const maxUtilization = input.maxUtilization ?? d.hpa.maxUtilization;
  const { capacityPerPod: capacity, hpa } = input;
  if (!(step > 0) || sync % step !== 0) throw new RangeError(`step ${step} s must divide the sync period ${sync} s`);
  const steps = Math.ceil(input.durationSeconds / step);
  const initial = input.initialReplicas ?? steadyReplicas(input.traffic(0), capacity, hpa);

  // Time each pod becomes ready, ascending; new pods are appended (they are the last to be ready).
  const readyAt: number[] = Array.from({ length: initial }, () => Number.NEGATIVE_INFINITY);
  let memory: HpaMemory = emptyMemory;
  const offered = new Float64Array(steps);
  const replicas = new Int32Array(steps);
  const ready = new Int32Array(steps);
  const atRisk = new Uint8Array(steps);
  const events: ScaleRecord[] = [];
  const riskyMinutes = new Set<number>();
  let podSeconds = 0;
  let secondsAtRisk = 0;
  let requestsAtRisk = 0;
  let offeredRequests = 0;
  let peakOffered = 0;

  for (let index = 0; index < steps; index += 1) {
    const t = index * step;
    const load = Math.max(0, input.traffic(t));
    if (t % sync === 0) {
      const readyPods = countReady(readyAt, t);
      const perPod = readyPods > 0 ? load / (readyPods * capacity) : 0;
      const decision = reconcile(
        {
          now: t,
          currentReplicas: readyAt.length,
          readyPods,
          unreadyPods: readyAt.length - readyPods,
          utilization: Math.min(maxUtilization, perPod * 100),
        },
        hpa,
        memory,
      );
      memory = decision.memory;
      const from = readyAt.length;
      const to = decision.desiredReplicas;
      if (to > from) {
        for (let i = from; i < to; i += 1) readyAt.push(t + startup);
      } else if (to < from) {
        // The ReplicaSet deletes not-ready pods first, then the most recently ready
        // (controller.ActivePods ordering): the end of this list.
        readyAt.length = to;
      }
      if (to !== from) events.push({ at: t, from, to, utilization: decision.utilization, reason: decision.reason });
    }
    const readyNow = countReady(readyAt, t);
    const servable = readyNow * capacity;
    offered[index] = load;
    replicas[index] = readyAt.length;
    ready[index] = readyNow;
    podSeconds += readyAt.length * step;
    offeredRequests += load * step;
    peakOffered = Math.max(peakOffered, load);
    if (load > servable + 1e-9) {
      atRisk[index] = 1;
      secondsAtRisk += step;
      requestsAtRisk += (load - servable) * step;
      riskyMinutes.add(Math.floor(t / 60));
    }
  }

  const duration = steps * step;
  let minReplicas = Number.POSITIVE_INFINITY;
  let maxReplicas = 0;
  for (const count of replicas) {
    if (count < minReplicas) minReplicas = count;
    if (count > maxReplicas) maxReplicas = count;
  }
  return {
    stepSeconds: step,
    offered,
    replicas,
    ready,
    atRisk,
    events,
    summary: {
      durationSeconds: duration,
      podHours: podSeconds / 3600,
      averageReplicas: duration > 0 ? podSeconds / duration : 0,
      minReplicas: steps > 0 ? minReplicas : 0,
      maxReplicas,
      peakOffered,
      secondsAtRisk,
      minutesAtRisk: riskyMinutes.size,
      requestsAtRisk,
      offeredRequests,
      scaleUps: events.filter((e) => e.to > e.from).length,
      scaleDowns: events.filter((e) => e.to < e.from).length,
    },
  };
}
