import type { RegistryLookup } from '../core/locate-model.js';

/**
 * The model repository a command works on: --repository, else BERTH_REPOSITORY, else the default
 * (repository.path in the config schema); and lookups of NAME@ALIAS in it for the model locator.
 */
export async function repositoryPath(options: Record<string, unknown>): Promise<string> {
  const [{ resolveConfig }, { settingFlagValues }, { berthVariables }, { repositoryRoot }] = await Promise.all([
    import('../core/config.js'),
    import('../core/config/flags.js'),
    import('../core/env.js'),
    import('../registry/layout.js'),
  ]);
  return repositoryRoot(
    resolveConfig({ flags: settingFlagValues(options, ['repository.path']), env: berthVariables() }).settings.repository
      .path,
  );
}

export function registryLookup(options: Record<string, unknown>): RegistryLookup {
  return async (reference) => {
    const { registryLookup: lookupIn } = await import('../registry/catalog.js');
    return lookupIn(await repositoryPath(options))(reference);
  };
}
