import type { CommandDefinition } from '../command.js';

/**
 * `berth bench <url | model>`: load test (issue 8). A URL is tested as it is; a model file or
 * folder is served by `berth serve` in a child process started from this same CLI entry point.
 * Progress goes to stderr (a live bar on a TTY), the report to stdout.
 */
export const benchCommand: CommandDefinition = {
  name: 'bench',
  summary: 'load-test a URL or a model: requests/s, latency percentiles, errors; --find-capacity for the per-pod capacity',
  configure: (command) =>
    command
      .argument('<target>', 'http(s)://host:port[/route], or a model.onnx / model folder to serve and test')
      .option('--path <route>', 'route to call: /predict (default), /v2/models/NAME/infer, /v1/models/NAME:predict …')
      .option('--model <name>', 'model whose metadata the sample body is built from (default: the one the route or server names)')
      .option('--body <json>', 'request body (default: a row of zeros built from the model metadata)')
      .option('--body-file <file>', 'request body from a file')
      .option('--method <method>', 'HTTP method (default POST with a body, GET without)')
      .option('-H, --header <name: value...>', 'extra request header (repeatable)')
      .option('-c, --connections <n>', 'concurrent connections (default 16)')
      .option('-d, --duration <duration>', 'length of the run, e.g. 10s, 1m (default 10s)')
      .option('-r, --rate <rps>', 'offered requests/s (fixed rate, open loop); without it: fixed concurrency')
      .option('--timeout <duration>', 'per-request timeout (default 10s)')
      .option('--find-capacity', 'search the highest rate that keeps p99 within --slo-p99 with no errors')
      .option('--slo-p99 <duration>', 'latency objective for --find-capacity, e.g. 50ms (default 50ms)')
      .option('--step-duration <duration>', 'length of each --find-capacity step (default 5s)')
      .option('--iterations <n>', 'binary-search steps of --find-capacity (default 7)')
      .addHelpText('after', '\nSave a capacity for `berth plan`: berth bench URL --find-capacity --json > bench.json'),
  async run([target], options) {
    const [{ runBench }, { formatBench }, { createProgressDisplay }, flags] = await Promise.all([
      import('../../plan/bench.js'),
      import('../../plan/bench-text.js'),
      import('../../plan/progress-bar.js'),
      import('../../plan/flag-values.js'),
    ]);
    const display = createProgressDisplay(process.stderr);
    try {
      const result = await runBench({
        target: target!,
        path: options.path as string | undefined,
        model: options.model as string | undefined,
        body: options.body as string | undefined,
        bodyFile: options.bodyFile as string | undefined,
        method: options.method as string | undefined,
        headers: flags.headerFlags(options.header),
        connections: flags.numberFlag(options.connections, '--connections', { integer: true, min: 1 }),
        durationSeconds: flags.secondsFlag(options.duration, '--duration'),
        rate: flags.numberFlag(options.rate, '--rate', { min: 1 }),
        timeoutSeconds: flags.secondsFlag(options.timeout, '--timeout'),
        findCapacity: Boolean(options.findCapacity),
        sloP99Ms: flags.millisecondsFlag(options.sloP99, '--slo-p99'),
        stepSeconds: flags.secondsFlag(options.stepDuration, '--step-duration'),
        iterations: flags.numberFlag(options.iterations, '--iterations', { integer: true, min: 1 }),
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
