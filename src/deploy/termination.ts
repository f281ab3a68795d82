import type { Settings } from '../core/config.js';
import { defaults } from '../core/defaults.js';
import type { DeployOptions } from './options.js';

/**
 * How a pod stops without dropping requests
 * (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination):
 * when a pod is deleted, the endpoints controller and every kube-proxy / load balancer learn of it
 * asynchronously, so for a few seconds traffic still arrives. The pod must keep serving through
 * that window, then drain in-flight requests, all within terminationGracePeriodSeconds (which
 * counts from the deletion, preStop hook included).
 *
 * - `sleep` (default): `lifecycle.preStop.sleep` holds SIGTERM back for preStopSeconds; then the
 *   server's own drain runs (drainDelaySeconds with /ready 503, then up to drainSeconds). The
 *   server cannot see the sleep, and keep-alive clients keep their connection to this pod through
 *   a Service (conntrack), so its drain delay is what tells each of them, on its next reply,
 *   `Connection: close`; only after it are idle connections closed. The Sleep
 *   action is beta and on by default since Kubernetes 1.30 and GA in 1.34
 *   (https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations);
 *   it needs no `sleep` binary in the image, unlike an exec hook.
 * - `server`: no hook; the server keeps serving (with /ready 503) for preStopSeconds after
 *   SIGTERM by itself (BERTH_DRAIN_DELAY_SECONDS). Works on any cluster version.
 */
export interface TerminationPlan {
  /** Seconds of the preStop sleep hook; 0 = no hook. */
  preStopSleepSeconds: number;
  /** The server's drain delay after SIGTERM (env BERTH_DRAIN_DELAY_SECONDS). */
  drainDelaySeconds: number;
  /** The server's drain after the delay (env BERTH_DRAIN_SECONDS). */
  drainSeconds: number;
  terminationGracePeriodSeconds: number;
}

export function terminationPlan(options: DeployOptions, settings: Settings): TerminationPlan {
  const { drainSeconds } = settings.server;
  const preStopSleepSeconds = options.preStop === 'sleep' ? options.preStopSeconds : 0;
  const drainDelaySeconds =
    options.preStop === 'server'
      ? Math.max(settings.server.drainDelaySeconds, options.preStopSeconds)
      : settings.server.drainDelaySeconds;
  return {
    preStopSleepSeconds,
    drainDelaySeconds,
    drainSeconds,
    terminationGracePeriodSeconds: Math.ceil(
      preStopSleepSeconds + drainDelaySeconds + drainSeconds + defaults.deploy.terminationMarginSeconds,
    ),
  };
}
