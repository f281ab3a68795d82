import type { CommandDefinition } from '../command.js';
import { addSettingFlags } from '../setting-flags.js';

/** The settings `berth plan` takes as flags: its own, and the HPA it simulates (the one `berth manifests` writes). */
const planSettings = [
  'plan.sloP99Ms',
  'plan.hpa',
  'plan.simulation',
  'plan.recommend',
  'deploy.autoscaling.minReplicas',
  'deploy.autoscaling.maxReplicas',
  'deploy.autoscaling.targetCPUUtilization',
];

/**
 * `berth plan`: HPA simulation, monthly cost table and HPA recommendation; writes plan.svg and
 * plan.json into --out.
 */
export const planCommand: CommandDefinition = {
  name: 'plan',
  summary: 'simulate the Kubernetes HPA on a traffic pattern, price VM vs fixed pods vs HPA, recommend HPA settings',
  configure: (command) =>
    addSettingFlags(
      command
        .requiredOption(
          '--traffic <pattern|file.csv>',
          'constant:100 | diurnal:peak=400,trough=40[,period=24h] | spiky:base=50,peak=500,every=1h,duration=5m | a CSV of requests/s per minute',
        )
        .option('--capacity <rps>', 'requests/s one pod serves within the SLO')
        .option('--from-bench <file>', 'read the capacity from `berth bench --find-capacity --json` output')
        .option(
          '--prices <file>',
          'price catalogue YAML replacing parts of the default (the deployment tutorial, AWS June 2026)',
        )
        .option('--config <berth.yaml>', 'take the HPA (deploy.autoscaling) and the plan settings from this berth.yaml')
        .option('--out <dir>', 'folder for plan.svg and plan.json', '.'),
      planSettings,
    ),
  async run(_args, options) {
    const [{ runPlan }, { formatPlan }, { resolveConfig }, { readConfigFile }, { settingFlagValues }] =
      await Promise.all([
        import('../../plan/plan.js'),
        import('../../plan/plan-text.js'),
        import('../../core/config.js'),
        import('../../core/config-file.js'),
        import('../../core/config/flags.js'),
      ]);
    const file = typeof options.config === 'string' ? await readConfigFile(options.config, false) : {};
    const { settings, given } = resolveConfig({ file, flags: settingFlagValues(options, planSettings) });
    const { autoscaling } = settings.deploy;
    // Only an HPA someone chose is "your HPA"; otherwise runPlan simulates the default one.
    const chosen = (key: 'minReplicas' | 'maxReplicas' | 'targetCPUUtilization') =>
      given.has(`deploy.autoscaling.${key}`) ? autoscaling[key] : undefined;
    const { result } = await runPlan({
      traffic: options.traffic as string,
      capacity: options.capacity === undefined ? undefined : Number(options.capacity),
      fromBench: options.fromBench as string | undefined,
      sloP99Ms: settings.plan.sloP99Ms,
      prices: options.prices as string | undefined,
      minReplicas: chosen('minReplicas'),
      maxReplicas: chosen('maxReplicas'),
      targetUtilization: chosen('targetCPUUtilization'),
      startupSeconds: settings.plan.hpa.startupSeconds,
      durationSeconds: settings.plan.simulation.durationSeconds,
      stepSeconds: settings.plan.simulation.stepSeconds,
      allowedMinutesAtRisk: settings.plan.recommend.allowedMinutesAtRisk,
      out: options.out as string,
    });
    return { data: result, text: formatPlan(result) };
  },
};
