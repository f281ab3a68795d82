import type { FastifyInstance } from 'fastify';
import type { Settings } from '../core/config.js';
import type { RunningGrpcServer } from '../grpc/server.js';
import type { Logger } from '../observe/logger.js';
import type { ModelMonitoring } from '../observe/monitoring/model-monitoring.js';
import type { DataPlane } from '../serving/data-plane.js';
import type { ModelManager } from '../serving/model-manager.js';
import type { RequestGate } from '../serving/request-gate.js';

export interface ServerParts {
  app: FastifyInstance;
  grpc?: RunningGrpcServer;
  dataplane: DataPlane;
  gate: RequestGate;
  settings: Settings;
  logger: Logger;
  manager: ModelManager;
  monitoring: ModelMonitoring;
}

/**
 * Graceful drain: /ready turns 503 at once, every reply says `Connection: close`, the listeners
 * keep serving `drainDelaySeconds` (0 after Ctrl+C at a terminal), then close; accepted requests
 * finish, the models are released and the payload log flushed.
 */
export async function drain(parts: ServerParts, reason: string): Promise<void> {
  const { app, grpc, dataplane, gate, settings, logger, manager, monitoring } = parts;
  manager.close();
  if (dataplane.draining) return;
  dataplane.startDraining();
  // Ctrl+C at a terminal has no load balancer or keep-alive client to wait for.
  const delaySeconds = reason === 'SIGINT' ? 0 : settings.server.drainDelaySeconds;
  logger.info(
    { reason, drainDelaySeconds: delaySeconds },
    'draining: /ready is 503, every reply says Connection: close, finishing accepted requests',
  );
  // Keep serving while endpoints controllers and load balancers stop routing here, and while
  // every keep-alive client still sending is told to reconnect; only then are idle connections
  // closed, so none is closed under a request its client has just sent.
  if (delaySeconds > 0) await new Promise((resolve) => setTimeout(resolve, delaySeconds * 1000));
  const graceMs = Math.max(0, (settings.server.drainSeconds - delaySeconds) * 1000 - 1000);
  await Promise.all([app.close(), grpc?.close(graceMs)]);
  gate.close();
  await dataplane.models.unloadAll();
  await monitoring.close();
  // The spans of the last requests: exported before exit (bounded by the exporter's timeout).
  await gate.tracing?.shutdown();
  logger.info('drained; exiting');
  logger.flush?.();
}
