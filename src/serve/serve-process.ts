import { availableParallelism } from 'node:os';
import { berthVariables, hostFacts } from '../core/env.js';
import { createLogger, flushStandardOutput } from '../observe/logger.js';
import { createMetrics } from '../observe/metrics.js';
import { governHeapGrowth } from './heap-growth.js';
import { collectStartupGarbage } from './startup-garbage.js';
import { prepareServe, startServer, type RunningServer, type ServeOptions } from './start-server.js';

const startupGarbageDelayMs = 1000;

/**
 * Runs the server as the process's main job: exits 1 if the model cannot load, drains on
 * SIGTERM/SIGINT and exits 0, or exits 1 if draining overruns the grace period. With
 * `--workers N` (N > 1) this process becomes the cluster primary and each worker runs the same
 * command (node:cluster re-executes the same argv).
 */
export async function serveUntilSignal(options: Omit<ServeOptions, 'env'>): Promise<void> {
  const serveOptions = { ...options, env: berthVariables() };
  const prepared = await prepareServe(serveOptions);
  const setting = prepared.settings.server.workers;
  const workers = setting === 'auto' ? availableParallelism() : Number(setting);
  // node:cluster (and the child_process it loads) only where a cluster may be: with --workers, or
  // in a process node:cluster started; ~1 ms of every start.
  const clustering = workers > 1 || hostFacts().startedByCluster ? await import('./cluster.js') : undefined;
  if (clustering && workers > 1 && clustering.isClusterPrimary()) {
    process.exitCode = await clustering.runPrimary(workers, createLogger(prepared.settings.log.level));
    return;
  }

  const worker = clustering?.isClusterWorker() ? clustering : undefined;
  // Exemplars need the OpenMetrics format, which prom-client's cross-worker aggregate does not keep.
  const metrics = createMetrics({ exemplars: prepared.settings.tracing.enabled && !worker });
  const membership = worker?.joinCluster(metrics.registry, (reason) => drainAndExit(reason));
  const server: RunningServer = await startServer(
    { ...serveOptions, metrics, renderMetrics: membership?.renderMetrics },
    prepared,
  );
  governHeapGrowth(metrics.shed, server.settings.server.heapGrowthPercent);
  if (membership) server.dataplane.addReadinessGate(membership.isClusterReady);

  function drainAndExit(signal: string) {
    const force = setTimeout(() => {
      server.logger.error(
        { drainSeconds: server.settings.server.drainSeconds },
        'drain overran the grace period; exiting',
      );
      process.exit(1);
    }, server.settings.server.drainSeconds * 1000);
    force.unref();
    void server
      .shutdown(signal)
      .then(
        () => 0,
        (error) => {
          server.logger.error({ error: String(error) }, 'error while draining');
          return 1;
        },
      )
      .then(async (code) => {
        await flushStandardOutput();
        process.exit(code);
      });
  }
  process.once('SIGTERM', () => drainAndExit('SIGTERM'));
  process.once('SIGINT', () => drainAndExit('SIGINT'));
  try {
    await server.loaded;
    membership?.loaded();
    // A moment after ready, not at it: the GC holds the event loop 10–20 ms, and the first requests come first.
    setTimeout(collectStartupGarbage, startupGarbageDelayMs).unref();
  } catch (error) {
    await Promise.all([server.app.close(), server.grpc?.close(0)]);
    throw error;
  }
}
