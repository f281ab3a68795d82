import type { Command } from 'commander';
import { defaultOf, settingSpecs, type SettingSpec } from '../core/settings.js';

/** Adds one flag per server setting (from the settings table) to a command. */
export function addSettingFlags(command: Command, specs: readonly SettingSpec[] = settingSpecs): Command {
  for (const spec of specs) {
    const value = spec.type === 'boolean' ? `${spec.flag} <true|false>` : `${spec.flag} <${spec.choices ? spec.choices.join('|') : spec.type === 'int' || spec.type === 'number' ? 'n' : 'value'}>`;
    const shown = spec.secret ? '' : ` (default: ${JSON.stringify(defaultOf(spec))})`;
    command.option(value, `${spec.doc}${shown}; env ${spec.env}`);
  }
  return command;
}

/** Commander's option values → `{ 'server.port': '9000', … }` for resolveConfig. */
export function settingFlagValues(options: Record<string, unknown>, specs: readonly SettingSpec[] = settingSpecs): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const spec of specs) {
    const key = spec.flag.slice(2).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    if (options[key] !== undefined) flags[spec.key] = options[key];
  }
  return flags;
}
