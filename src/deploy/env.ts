import type { V1EnvVar } from '@kubernetes/client-node';
import type { Settings } from '../core/config.js';
import { defaultOf, getPath, settingSpecs } from '../core/settings.js';
import type { TerminationPlan } from './termination.js';

/** Settings the manifests depend on, so they are always written even when they are the defaults. */
const pinnedKeys = new Set(['server.host', 'server.port', 'server.grpcPort', 'server.drainSeconds', 'server.drainDelaySeconds']);

/**
 * The server's settings as BERTH_* variables (core/settings.ts names them): those the probes,
 * ports and termination timing rely on, plus every setting berth.yaml or a flag changed, so the
 * pod runs with the configuration the manifests were generated for. Secrets are never written:
 * they come from a Secret named `<name>-api-key`.
 */
export function settingsEnv(settings: Settings, termination: TerminationPlan, name: string): V1EnvVar[] {
  const effective = structuredClone(settings);
  effective.server.drainDelaySeconds = termination.drainDelaySeconds;
  const env: V1EnvVar[] = [];
  for (const spec of settingSpecs) {
    const value = getPath(effective, spec.key);
    if (value === undefined || value === '') continue;
    if (!pinnedKeys.has(spec.key) && value === defaultOf(spec)) continue;
    if (spec.secret) env.push({ name: spec.env, valueFrom: { secretKeyRef: { name: `${name}-api-key`, key: 'api-key' } } });
    else env.push({ name: spec.env, value: String(value) });
  }
  return env;
}
