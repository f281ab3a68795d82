import type { CommandDefinition } from './command.js';

/** Command groups (`berth models …`) and their one-line summaries. */
export const groups: Record<string, string> = {
  models: 'manage the model repository: register, list, show, alias, rollback, delete, verify',
};

/**
 * The command table: each module under ./commands exports `CommandDefinition`s whose names begin
 * with the module's key (`models` holds `models list`, `models show`, …); add a line here to add
 * a command.
 */
const commandModules: Record<string, () => Promise<Record<string, unknown>>> = {
  serve: () => import('./commands/serve.js'),
  models: () => import('./commands/models.js'),
  bench: () => import('./commands/bench.js'),
  plan: () => import('./commands/plan.js'),
  manifests: () => import('./commands/manifests.js'),
  deploy: () => import('./commands/deploy.js'),
  rollback: () => import('./commands/rollback.js'),
  status: () => import('./commands/status.js'),
  profile: () => import('./commands/profile.js'),
  build: () => import('./commands/build.js'),
  import: () => import('./commands/import.js'),
};

/**
 * The commands to build for `berth <first word> …`: only that command's module when the first word
 * names one, every command otherwise (`--help`, `help`, a typo to suggest a name for). Building all
 * of them (each with a flag per setting) and importing their modules cost `berth serve` ~20 ms of
 * CPU before the server started.
 */
export async function loadCommands(firstWord?: string): Promise<CommandDefinition[]> {
  const named =
    firstWord !== undefined && Object.hasOwn(commandModules, firstWord) ? commandModules[firstWord] : undefined;
  const modules = await Promise.all(named ? [named()] : Object.values(commandModules).map((load) => load()));
  return modules.flatMap((module) => Object.values(module).filter(isDefinition));
}

function isDefinition(value: unknown): value is CommandDefinition {
  return typeof value === 'object' && value !== null && 'name' in value && 'run' in value && 'configure' in value;
}
