import type { CommandDefinition } from './command.js';

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
