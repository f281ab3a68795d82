import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaults } from '../core/defaults.js';
import { errors } from '../core/errors.js';
import { renderPlanChart } from './chart.js';
import { fixedPodsCost, hpaCost, podsForPeak, singleVmCost, type CostOption, type PriceCatalogue } from './cost.js';
import { formatDuration } from './duration.js';
import { describeHpa, hpaSpec, type HpaSpec } from './hpa-spec.js';
import { simulateHpa, type ScaleRecord, type SimulationResult, type SimulationSummary } from './hpa-simulator.js';
import { loadPrices, loadTraffic, positiveInteger, resolveCapacity, type CapacitySource } from './plan-inputs.js';
import { recommendHpa, type Candidate } from './recommend.js';
import { timeline, type TimelineBucket } from './timeline.js';

/**
 * `berth plan`: simulate the HPA on the traffic, price the ways of running it (the deployment tutorial's table),
 * recommend HPA settings, and write plan.svg and plan.json into `out`.
 */
export interface PlanOptions {
  capacity?: number;
  fromBench?: string;
  traffic: string;
  sloP99Ms?: number;
  prices?: string;
  minReplicas?: number;
  maxReplicas?: number;
  targetUtilization?: number;
  startupSeconds?: number;
  durationSeconds?: number;
  stepSeconds?: number;
  /** Folder for plan.svg and plan.json; undefined = write nothing. */
  out?: string;
  /** Minutes at risk the recommendation may accept (default 0). */
  allowedMinutesAtRisk?: number;
}

export interface PlannedHpa {
  label: string;
  spec: HpaSpec;
  summary: SimulationSummary;
  timeline: TimelineBucket[];
  events: ScaleRecord[];
}

export interface PlanResult {
  capacity: CapacitySource;
  traffic: { spec: string; description: string; peak: number; durationSeconds: number };
  simulation: { stepSeconds: number; syncPeriodSeconds: number; startupSeconds: number };
  /** The HPA the flags describe; without them the one `berth manifests` writes (deploy.autoscaling). */
  hpa: PlannedHpa;
  recommendation: PlannedHpa & {
    why: string;
    candidates: Array<Omit<Candidate, 'summary'> & { podHours: number; minutesAtRisk: number }>;
  };
  fixedPods: number;
  prices: PriceCatalogue;
  cost: CostOption[];
  files: string[];
}

function planned(label: string, spec: HpaSpec, result: SimulationResult): PlannedHpa {
  return { label, spec, summary: result.summary, timeline: timeline(result), events: result.events.slice(0, 500) };
}

export async function runPlan(options: PlanOptions): Promise<{ result: PlanResult; svg: string }> {
  const capacity = resolveCapacity(options);
  const traffic = loadTraffic(options.traffic);
  const prices = loadPrices(options.prices);
  const durationSeconds =
    options.durationSeconds ?? traffic.naturalDurationSeconds ?? defaults.plan.simulation.fallbackDurationSeconds;
  if (!(durationSeconds > 0)) throw errors.badPlanInput('--duration', 'must be longer than 0');
  const startupSeconds = options.startupSeconds ?? defaults.plan.hpa.startupSeconds;
  const stepSeconds = options.stepSeconds ?? defaults.plan.simulation.stepSeconds;
  const syncPeriodSeconds = defaults.plan.hpa.syncPeriodSeconds;
  if (![1, 3, 5, 15].includes(stepSeconds))
    throw errors.badPlanInput('--step', `must divide the 15 s HPA sync period (1, 3, 5 or 15 s), got ${stepSeconds}`);
  const base = {
    traffic: traffic.rpsAt,
    durationSeconds,
    capacityPerPod: capacity.rps,
    startupSeconds,
    stepSeconds,
    syncPeriodSeconds,
  };

  const userSpec = hpaSpec({
    minReplicas: positiveInteger(options.minReplicas, '--min'),
    maxReplicas: positiveInteger(options.maxReplicas, '--max'),
    targetUtilization: positiveInteger(options.targetUtilization, '--target'),
  });
  if (userSpec.minReplicas > userSpec.maxReplicas)
    throw errors.badPlanInput('--min', `(${userSpec.minReplicas}) is above --max (${userSpec.maxReplicas})`);
  if (userSpec.targetUtilization > 100)
    throw errors.badPlanInput(
      '--target',
      `is a CPU utilisation in % of the request, at most 100 in this model, got ${userSpec.targetUtilization}`,
    );
  const userResult = simulateHpa({ ...base, hpa: userSpec });

  const rec = recommendHpa({ ...base, peak: traffic.peak, allowedMinutesAtRisk: options.allowedMinutesAtRisk });
  const recSpec = hpaSpec({
    minReplicas: rec.minReplicas,
    maxReplicas: rec.maxReplicas,
    targetUtilization: rec.targetUtilization,
  });
  const recResult = simulateHpa({ ...base, hpa: recSpec });

  const fixedPods = podsForPeak(traffic.peak, capacity.rps);
  const cost: CostOption[] = [
    singleVmCost(traffic.peak, capacity.rps, prices),
    fixedPodsCost(fixedPods, prices),
    hpaCost(userResult.summary.averageReplicas, userSpec.minReplicas, userSpec.maxReplicas, prices),
  ];
  const sameAsUser =
    recSpec.minReplicas === userSpec.minReplicas &&
    recSpec.maxReplicas === userSpec.maxReplicas &&
    recSpec.targetUtilization === userSpec.targetUtilization;
  if (!sameAsUser) {
    const recommended = hpaCost(
      recResult.summary.averageReplicas,
      recSpec.minReplicas,
      recSpec.maxReplicas,
      prices,
      'hpa-recommended',
    );
    recommended.title = `Recommended HPA (${recSpec.minReplicas}-${recSpec.maxReplicas} pods, ${recSpec.targetUtilization}%)`;
    cost.push(recommended);
  }

  const flagsGiven =
    options.minReplicas !== undefined || options.maxReplicas !== undefined || options.targetUtilization !== undefined;
  const result: PlanResult = {
    capacity,
    traffic: { spec: traffic.spec, description: traffic.description, peak: traffic.peak, durationSeconds },
    simulation: { stepSeconds, syncPeriodSeconds, startupSeconds },
    hpa: planned(flagsGiven ? 'your HPA' : 'default HPA', userSpec, userResult),
    recommendation: {
      ...planned('recommended HPA', recSpec, recResult),
      why: rec.why,
      candidates: rec.candidates.map(({ summary, ...c }) => ({
        ...c,
        podHours: Math.round(summary.podHours * 100) / 100,
        minutesAtRisk: summary.minutesAtRisk,
      })),
    },
    fixedPods,
    prices,
    cost,
    files: [],
  };

  // Chart what the user asked about; with no HPA flags, what Berth recommends.
  const charted =
    flagsGiven || sameAsUser ? { plan: result.hpa, sim: userResult } : { plan: result.recommendation, sim: recResult };
  const svg = renderPlanChart({
    title: `${charted.plan.label}: ${describeHpa(charted.plan.spec)} — ${traffic.description}`,
    subtitle: `capacity ${capacity.rps} req/s per pod · start-up ${formatDuration(startupSeconds)} · ${charted.plan.summary.minutesAtRisk} minute(s) at risk · avg ${charted.plan.summary.averageReplicas.toFixed(2)} pods`,
    stepSeconds: charted.sim.stepSeconds,
    offered: charted.sim.offered,
    capacity: Float64Array.from(charted.sim.ready, (ready) => ready * capacity.rps),
    replicas: charted.sim.replicas,
    atRisk: charted.sim.atRisk,
  });
  if (options.out !== undefined) {
    mkdirSync(options.out, { recursive: true });
    const svgPath = join(options.out, 'plan.svg');
    const jsonPath = join(options.out, 'plan.json');
    result.files = [svgPath, jsonPath];
    writeFileSync(svgPath, svg);
    writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  }
  return { result, svg };
}
