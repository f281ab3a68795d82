import { Command } from 'commander';
import { groups, loadCommands } from './command-table.js';
import { printError, printResult } from './output.js';
import { berthVersion } from '../core/version.js';

/** The `berth` entry point: builds the commander program from the command table. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('berth')
    .description('Turn a trained ONNX model into a production inference service.')
    .version(berthVersion, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const groupCommands = new Map<string, Command>();
  for (const [name, summary] of Object.entries(groups))
    groupCommands.set(name, program.command(name).description(summary));
  let exitCode = 0;
  for (const definition of await loadCommands(argv[0])) {
    const words = definition.name.split(' ');
    const parent = words.length > 1 ? groupCommands.get(words[0]!)! : program;
    const command = definition.configure(parent.command(words.at(-1)!).description(definition.summary));
    command.option('--json', 'print the result as JSON').action(async (...params: unknown[]) => {
      const self = params.at(-1) as Command;
      const options = self.opts();
      const args = params.slice(0, -2) as string[];
      try {
        const result = await definition.run(args.flat() as string[], options);
        if (result) printResult(result, Boolean(options.json));
      } catch (error) {
        exitCode = printError(error, Boolean(options.json));
      }
    });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    // commander throws for --help and --version too, with exit code 0.
    return typeof code === 'number' ? code : printError(error, false);
  }
  return exitCode;
}
