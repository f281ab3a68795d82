import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry, type RegistryContentType } from 'prom-client';
import type { Logger } from '../observe/logger.js';

/**
 * `--workers N`: N server processes sharing one port through node:cluster. The primary serves no
 * requests; it starts the workers, tells them when ALL are ready (a pod is ready only when any
 * worker a request may land on is), answers their requests for cluster-wide metrics, and
 * forwards SIGTERM so every worker drains.
 *
 * Metrics: each worker keeps its own prom-client registry. A scrape lands on one worker, which
 * asks the primary for the aggregate over all workers (prom-client's AggregatorRegistry), so
 * counters are cluster totals — the multi-process failure of BentoML and KServe (kserve#2979).
 */
type Message =
  | { type: 'berth:loaded' }
  | { type: 'berth:cluster-ready' }
  | { type: 'berth:metrics-request'; id: number }
  | { type: 'berth:metrics-response'; id: number; body?: string; contentType?: string; error?: string }
  | { type: 'berth:drain'; reason: string };

export const isClusterWorker = () => cluster.isWorker;
export const isClusterPrimary = () => cluster.isPrimary;

/** Runs the primary until every worker has exited; resolves with the exit code to use. */
export function runPrimary(count: number, logger: Logger): Promise<number> {
  const aggregator = new AggregatorRegistry();
  const loaded = new Set<number>();
  let draining = false;
  let failed = false;
  const broadcast = (message: Message) => {
    for (const worker of Object.values(cluster.workers ?? {})) if (worker?.isConnected()) worker.send(message);
  };

  cluster.on('message', (worker: Worker, message: Message) => {
    if (message?.type === 'berth:loaded') {
      loaded.add(worker.id);
      if (loaded.size === count) {
        logger.info({ workers: count }, 'all workers ready');
        broadcast({ type: 'berth:cluster-ready' });
      }
    } else if (message?.type === 'berth:metrics-request') {
      aggregator.clusterMetrics().then(
        (body) =>
          worker.send({
            type: 'berth:metrics-response',
            id: message.id,
            body,
            contentType: aggregator.contentType,
          } satisfies Message),
        (error: Error) =>
          worker.send({ type: 'berth:metrics-response', id: message.id, error: error.message } satisfies Message),
      );
    }
  });

  for (let index = 0; index < count; index++) cluster.fork();
  logger.info({ workers: count }, 'started workers');

  const drain = (signal: string) => {
    if (draining) return;
    draining = true;
    logger.info({ signal }, 'draining all workers');
    broadcast({ type: 'berth:drain', reason: signal });
  };
  process.on('SIGTERM', () => drain('SIGTERM'));
  process.on('SIGINT', () => drain('SIGINT'));

  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      loaded.delete(worker.id);
      if (code !== 0) failed = true;
      if (!draining) {
        // A worker that dies outside a drain takes the whole pod down so Kubernetes restarts it
        // cleanly, rather than serving on with fewer workers than were asked for.
        logger.error({ worker: worker.id, code, signal }, 'worker exited unexpectedly; stopping');
        drain('worker-exit');
      }
      if (Object.keys(cluster.workers ?? {}).length === 0) resolve(failed && !draining ? 1 : failed ? 1 : 0);
    });
  });
}

/** The worker's side: report readiness, learn cluster readiness, fetch aggregated metrics, drain on request. */
export function joinCluster(registry: Registry<RegistryContentType>, onDrain: (reason: string) => void) {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs prom-client's worker-side listener
  let clusterReady = false;
  let nextId = 0;
  const pending = new Map<number, (message: Extract<Message, { type: 'berth:metrics-response' }>) => void>();
  process.on('message', (message: Message) => {
    if (message?.type === 'berth:cluster-ready') clusterReady = true;
    else if (message?.type === 'berth:drain') onDrain(message.reason);
    else if (message?.type === 'berth:metrics-response') {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });
  return {
    loaded: () => process.send?.({ type: 'berth:loaded' } satisfies Message),
    isClusterReady: () => clusterReady,
    renderMetrics: () =>
      new Promise<{ contentType: string; body: string }>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, (message) =>
          message.error
            ? reject(new Error(message.error))
            : resolve({ contentType: message.contentType!, body: message.body! }),
        );
        process.send?.({ type: 'berth:metrics-request', id } satisfies Message);
      }),
  };
}
