import type { V1EnvVar } from '@kubernetes/client-node';
import type { Settings } from '../core/config.js';
import { getPath, settingEntries } from '../core/config/schema.js';
import type { TerminationPlan } from './termination.js';

/** Settings the manifests depend on, so they are always written even when they are the defaults. */
const pinnedKeys = new Set([
  'server.host',
  'server.port',
  'server.grpcPort',
  'server.drainSeconds',
  'server.drainDelaySeconds',
]);

/**
 * The server's settings as BERTH_* variables (the config schema names them): those the probes,
 * ports and termination timing rely on, plus every setting berth.yaml or a flag changed, so the
 * pod runs with the configuration the manifests were generated for. Secrets are never written:
 * they come from a Secret named `<name>-api-key`.
 */
export function settingsEnv(settings: Settings, termination: TerminationPlan, name: string): V1EnvVar[] {
  const effective = structuredClone(settings);
  effective.server.drainDelaySeconds = termination.drainDelaySeconds;
  const env: V1EnvVar[] = [];
  for (const entry of settingEntries) {
    if (entry.env === undefined) continue;
    const value = getPath(effective, entry.path);
    if (value === undefined || value === '') continue;
    if (!pinnedKeys.has(entry.path) && value === entry.default) continue;
    if (entry.secret)
      env.push({ name: entry.env, valueFrom: { secretKeyRef: { name: `${name}-api-key`, key: 'api-key' } } });
    else env.push({ name: entry.env, value: String(value) });
  }
  return env;
}
