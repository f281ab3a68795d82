import { settingEntries, type SettingEntry } from './schema.js';

/**
 * Which settings a command takes as flags: those under the named parts of the schema
 * (`['deploy', 'repository.path']`), or, without a list, those with a BERTH_* variable (`serve`'s).
 */
export function flaggedSettings(parts?: readonly string[]): SettingEntry[] {
  const wanted = parts
    ? (entry: SettingEntry) => parts.some((part) => entry.path === part || entry.path.startsWith(`${part}.`))
    : (entry: SettingEntry) => entry.env !== undefined;
  return settingEntries.filter((entry) => entry.flag !== undefined && wanted(entry));
}

/** commander's attribute for a flag: `--limits-memory` → `limitsMemory` (`--no-hpa` sets `hpa`). */
export function flagAttribute(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Commander's option values → `{ 'server.port': '9000', … }` for resolveConfig. */
export function settingFlagValues(
  options: Record<string, unknown>,
  parts?: readonly string[],
): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const entry of flaggedSettings(parts)) {
    const value = [entry.flag!, ...(entry.aliases ?? [])]
      .map((flag) => options[flagAttribute(flag)])
      .find((given) => given !== undefined);
    if (value !== undefined) flags[entry.path] = value;
  }
  return flags;
}
