import type { CommandDefinition } from '../command.js';

/**
 * `berth plan`: HPA simulation, monthly cost table and HPA recommendation (issue 8); writes
 * plan.svg and plan.json into --out.
 */
export const planCommand: CommandDefinition = {
  name: 'plan',
  summary: 'simulate the Kubernetes HPA on a traffic pattern, price VM vs fixed pods vs HPA, recommend HPA settings',
  configure: (command) =>
    command
      .requiredOption('--traffic <pattern|file.csv>', 'constant:100 | diurnal:peak=400,trough=40[,period=24h] | spiky:base=50,peak=500,every=1h,duration=5m | a CSV of requests/s per minute')
      .option('--capacity <rps>', 'requests/s one pod serves within the SLO')
      .option('--from-bench <file>', 'read the capacity from `berth bench --find-capacity --json` output')
      .option('--slo-p99 <duration>', 'latency objective the capacity is read at, e.g. 50ms')
      .option('--prices <file>', 'price catalogue YAML replacing parts of the default (seed 004, AWS June 2026)')
      .option('--min <n>', 'HPA minReplicas to simulate (default 2, seed 004)')
      .option('--max <n>', 'HPA maxReplicas to simulate (default 10, seed 004)')
      .option('--target <percent>', 'HPA target CPU utilisation in % (default 70, seed 004)')
      .option('--startup <duration>', 'time from scale-up until a new pod takes traffic (default 30s)')
      .option('--duration <duration>', 'length to simulate (default: the pattern\'s period or file, else 24h)')
      .option('--step <seconds>', 'simulation step: 1, 3, 5 or 15 s (default 1)')
      .option('--max-risk-minutes <n>', 'minutes at risk the recommendation may accept (default 0)')
      .option('--out <dir>', 'folder for plan.svg and plan.json', '.'),
  async run(_args, options) {
    const [{ runPlan }, { formatPlan }, flags] = await Promise.all([
      import('../../plan/plan.js'),
      import('../../plan/plan-text.js'),
      import('../../plan/flag-values.js'),
    ]);
    const { result } = await runPlan({
      traffic: options.traffic as string,
      capacity: flags.numberFlag(options.capacity, '--capacity'),
      fromBench: options.fromBench as string | undefined,
      sloP99Ms: flags.millisecondsFlag(options.sloP99, '--slo-p99'),
      prices: options.prices as string | undefined,
      minReplicas: flags.numberFlag(options.min, '--min', { integer: true, min: 1 }),
      maxReplicas: flags.numberFlag(options.max, '--max', { integer: true, min: 1 }),
      targetUtilization: flags.numberFlag(options.target, '--target', { integer: true, min: 1 }),
      startupSeconds: flags.secondsFlag(options.startup, '--startup'),
      durationSeconds: flags.secondsFlag(options.duration, '--duration'),
      stepSeconds: flags.numberFlag(options.step, '--step', { integer: true, min: 1 }),
      allowedMinutesAtRisk: flags.numberFlag(options.maxRiskMinutes, '--max-risk-minutes', { integer: true }),
      out: options.out as string,
    });
    return { data: result, text: formatPlan(result) };
  },
};
