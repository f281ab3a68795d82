import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves once `condition` holds, checked every `everyMs`; rejects naming `what` after
 * `timeoutMs`. For states a test cannot be told of by an event (another process's, a socket's
 * far end): a wait on a condition, never a guess of how long the machine needs.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not so after ${timeoutMs} ms`);
    await delay(everyMs);
  }
}
