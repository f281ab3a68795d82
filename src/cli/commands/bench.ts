import type { CommandDefinition } from '../command.js';
import { addSettingFlags } from '../setting-flags.js';

/**
 * `berth bench <url | model>`: load test. A URL is tested as it is; a model file or folder is
 * served by `berth serve` in a child process started from this same CLI entry point. Progress goes
 * to stderr (a live bar on a TTY), the report to stdout.
 */
export const benchCommand: CommandDefinition = {
  name: 'bench',
  summary:
    'load-test a URL or a model: requests/s, latency percentiles, errors; --find-capacity for the per-pod capacity',
  configure: (command) =>
    addSettingFlags(
      command
        .argument('<target>', 'http(s)://host:port[/route], or a model.onnx / model folder to serve and test')
        .option('--path <route>', 'route to call: /predict (default), /v2/models/NAME/infer, /v1/models/NAME:predict …')
        .option(
          '--model <name>',
          'model whose metadata the sample body is built from (default: the one the route or server names)',
        )
        .option('--body <json>', 'request body (default: a row of zeros built from the model metadata)')
        .option('--body-file <file>', 'request body from a file')
        .option('--method <method>', 'HTTP method (default POST with a body, GET without)')
        .option('-H, --header <name: value...>', 'extra request header (repeatable)')
        .option('--find-capacity', 'search the highest rate that keeps p99 within --slo-p99 with no errors'),
      ['plan.bench'],
    ).addHelpText('after', '\nSave a capacity for `berth plan`: berth bench URL --find-capacity --json > bench.json'),
  async run([target], options) {
    const [
      { runBench, parseHeaders },
      { formatBench },
      { createProgressDisplay },
      { resolveConfig },
      { settingFlagValues },
    ] = await Promise.all([
      import('../../plan/bench.js'),
      import('../../plan/bench-text.js'),
      import('../../plan/progress-bar.js'),
      import('../../core/config.js'),
      import('../../core/config/flags.js'),
    ]);
    const bench = resolveConfig({ flags: settingFlagValues(options, ['plan.bench']) }).settings.plan.bench;
    const display = createProgressDisplay(process.stderr);
    try {
      const result = await runBench({
        target: target!,
        path: options.path as string | undefined,
        model: options.model as string | undefined,
        body: options.body as string | undefined,
        bodyFile: options.bodyFile as string | undefined,
        method: options.method as string | undefined,
        headers: parseHeaders(options.header as string[] | undefined),
        connections: bench.connections,
        durationSeconds: bench.durationSeconds,
        rate: bench.rate,
        timeoutSeconds: bench.timeoutSeconds,
        findCapacity: Boolean(options.findCapacity),
        sloP99Ms: bench.capacity.sloP99Ms,
        stepSeconds: bench.capacity.stepSeconds,
        iterations: bench.capacity.iterations,
        // The same CLI, run again as `berth serve` (with tsx's loader when running from source).
        launcher: { program: process.execPath, args: [...process.execArgv, process.argv[1]!] },
        onPhase: (phase) => display.phase(phase),
        onProgress: (progress) => display.progress(progress),
      });
      return { data: result, text: formatBench(result) };
    } finally {
      display.done();
    }
  },
};
