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
