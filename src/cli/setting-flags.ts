import type { Command } from 'commander';
import { flaggedSettings } from '../core/config/flags.js';
import type { SettingEntry } from '../core/config/schema.js';

/**
 * CLI flags from the config schema (core/config/schema.ts): a command names the parts of the
 * schema it takes (`['deploy', 'repository.path']`) and gets their flags, with help that says the
 * default and the variable (core/config/flags.ts reads the values back).
 */
function help(entry: SettingEntry): string {
  const shown =
    entry.defaultText ??
    (entry.default === undefined || entry.default === '' ? undefined : JSON.stringify(entry.default));
  const value = entry.secret || shown === undefined ? '' : ` (default: ${shown})`;
  return `${entry.doc}${value}${entry.env ? `; env ${entry.env}` : ''}`;
}

function placeholder(entry: SettingEntry): string {
  if (entry.placeholder) return entry.placeholder;
  if (entry.type === 'true or false') return 'true|false';
  return entry.type.startsWith('integer') || entry.type.startsWith('number') ? 'n' : 'value';
}

/** Adds the flags of the named parts of the schema to a command. */
export function addSettingFlags(command: Command, parts?: readonly string[]): Command {
  for (const entry of flaggedSettings(parts)) {
    const names = `${entry.short ? `${entry.short}, ` : ''}${entry.flag}`;
    if (entry.switch) {
      command.option(
        names,
        entry.switch === 'negatable' && entry.default === true ? `${entry.doc} (default)` : entry.doc,
      );
      if (entry.switch === 'negatable') command.option(`--no-${entry.flag!.slice(2)}`, `turn ${entry.flag} off`);
    } else {
      command.option(`${names} <${placeholder(entry)}>`, help(entry));
    }
    for (const alias of entry.aliases ?? [])
      command.option(`${alias} <${placeholder(entry)}>`, `same as ${entry.flag}`);
  }
  return command;
}
