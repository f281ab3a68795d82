import { berthVariables } from '../core/env.js';
import { startServer, type ServeOptions } from './start.js';

/**
 * Runs the server as the process's main job: exits 1 if the model cannot load, drains on
 * SIGTERM/SIGINT and exits 0, or exits 1 if draining overruns the grace period.
 */
export async function serveUntilSignal(options: Omit<ServeOptions, 'env'>): Promise<void> {
  const server = await startServer({ ...options, env: berthVariables() });
  const onSignal = (signal: NodeJS.Signals) => {
    const force = setTimeout(() => {
      server.logger.error({ drainSeconds: server.settings.server.drainSeconds }, 'drain overran the grace period; exiting');
      process.exit(1);
    }, server.settings.server.drainSeconds * 1000);
    force.unref();
    server.shutdown(signal).then(
      () => process.exit(0),
      (error) => {
        server.logger.error({ error: String(error) }, 'error while draining');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await server.loaded;
  } catch (error) {
    await server.app.close();
    throw error;
  }
}
