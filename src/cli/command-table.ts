import type { Command } from 'commander';
import type { CommandResult } from './output.js';

/**
 * One CLI command. `configure` declares its arguments and flags on a commander Command; `run`
 * lazy-imports the implementation (a plain function of an options object, testable without argv)
 * and returns data for printing, or nothing for long-running commands such as `serve`.
 */
export interface CommandDefinition {
  /** `serve`, or `models register` for a command inside a group. */
  name: string;
  summary: string;
  configure(command: Command): Command;
  run(args: string[], options: Record<string, unknown>): Promise<CommandResult | void>;
}

/** Command groups (`berth models …`) and their one-line summaries. */
export const groups: Record<string, string> = {
  models: 'manage the model repository: register, list, show, alias, rollback, delete, verify',
};

/**
 * The command table. Each module under ./commands exports a `CommandDefinition` named after it;
 * add a line here to add a command.
 */
export async function loadCommands(): Promise<CommandDefinition[]> {
  const modules = await Promise.all([
    import('./commands/serve.js'),
    import('./commands/models.js'),
    import('./commands/bench.js'),
    import('./commands/plan.js'),
    import('./commands/manifests.js'),
    import('./commands/deploy.js'),
    import('./commands/rollback.js'),
    import('./commands/status.js'),
    import('./commands/profile.js'),
    import('./commands/build.js'),
    import('./commands/import.js'),
  ]);
  return modules.flatMap((module) => Object.values(module).filter(isDefinition));
}

function isDefinition(value: unknown): value is CommandDefinition {
  return typeof value === 'object' && value !== null && 'name' in value && 'run' in value && 'configure' in value;
}
