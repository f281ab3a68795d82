import type { V1Probe } from '@kubernetes/client-node';
import { defaults } from '../core/defaults.js';
import type { ModelFacts } from './model-facts.js';

/**
 * The three probes, each pointed at the endpoint whose meaning matches the kubelet's question
 * (https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/):
 * - startup  → /ready: has the model finished loading? Until it has, the kubelet runs neither of
 *   the others, so a slow load can never trip a liveness restart loop (the CrashLoopBackOff gotcha).
 * - readiness → /ready: send traffic here? 503 while loading and while draining after SIGTERM, so
 *   a rolling update never routes to a pod that cannot answer (the dropped-requests gotcha).
 * - liveness → /healthz: is the process alive? Never touches the model, and is looser than
 *   readiness, so a busy pod leaves rotation long before it would be restarted.
 */
export function startupProbe(port: number | string, facts: ModelFacts): V1Probe {
  const s = defaults.deploy.startup;
  return {
    httpGet: { path: '/ready', port },
    periodSeconds: s.periodSeconds,
    timeoutSeconds: s.timeoutSeconds,
    failureThreshold: startupFailureThreshold(facts),
  };
}

/**
 * Polls until load seconds × factor + grace have passed: the factor covers a node slower than the
 * machine that measured, the grace covers image start, node boot and module loading.
 */
export function startupFailureThreshold(facts: ModelFacts): number {
  const s = defaults.deploy.startup;
  const load = facts.loadSeconds ?? defaults.deploy.assumedLoadSeconds;
  return Math.max(1, Math.ceil((load * s.loadFactor + s.graceSeconds) / s.periodSeconds));
}

export function readinessProbe(port: number | string): V1Probe {
  const r = defaults.deploy.readiness;
  return {
    httpGet: { path: '/ready', port },
    periodSeconds: r.periodSeconds,
    timeoutSeconds: r.timeoutSeconds,
    failureThreshold: r.failureThreshold,
    successThreshold: 1,
  };
}

export function livenessProbe(port: number | string): V1Probe {
  const l = defaults.deploy.liveness;
  return {
    httpGet: { path: '/healthz', port },
    periodSeconds: l.periodSeconds,
    timeoutSeconds: l.timeoutSeconds,
    failureThreshold: l.failureThreshold,
    successThreshold: 1,
  };
}
