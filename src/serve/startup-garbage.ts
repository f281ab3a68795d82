import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * One full GC once the models are loaded, so that V8 gives back the young generation start-up grew.
 *
 * Loading the server grows V8's young generation to ~8 MB. Only V8's memory reducer shrinks it
 * again, ~8 s after it is started, and it is started by a full GC (mark-compact), which start-up
 * may or may not have needed: the same build idled at 94–96 MB RSS in some spawns and 103–113 MB in
 * others. With one full GC after loading, every spawn rests at the lower figure.
 *
 * `gc` is taken from a fresh context made while the flag is on (as jest's --logHeapUsage does);
 * the flag is turned off again, so user code sees no global `gc` it was not started with.
 */
export function collectStartupGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  v8.setFlagsFromString('--no-expose-gc');
  gc();
}
